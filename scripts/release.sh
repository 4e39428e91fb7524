#!/usr/bin/env bash
# Builds a release of attache from a git tag, and publishes nothing.
#
#   scripts/release.sh [options] [TAG]
#
# From the tree of TAG (default: the tag at HEAD), exported with git archive so that nothing
# uncommitted gets in, it builds:
#   - static binaries (CGO_ENABLED=0, -trimpath) for linux/amd64, linux/arm64, darwin/amd64 and
#     darwin/arm64, with the version, commit and commit time stamped in (attache version);
#   - one attache_VERSION_OS_ARCH.tar.gz per platform: the binary, LICENSE, NOTICE,
#     THIRD_PARTY_LICENSES (the licence texts of every Go module), README.md, rules.yaml,
#     docs/install.md and the systemd unit;
#   - attache_VERSION_checksums.txt: the SHA-256 of each archive (sha256sum -c reads it);
#   - the container image from deploy/Dockerfile, tagged IMAGE:VERSION in the local engine,
#     when a container engine answers; otherwise it says so and goes on.
# The artefacts go to dist/VERSION. Publishing them (a release page, a registry) is a separate
# step: see "Publishing a release" in docs/install.md.
#
# Options:
#   --out DIR           where the artefacts go (default: dist/VERSION in the repository)
#   --platforms "LIST"  GOOS/GOARCH pairs, space-separated (default: the four above)
#   --image NAME        the image name (default: attache)
#   --no-image          do not build the container image
#   --snapshot          build the working tree as it is, without a tag: for trying the release
#                       itself; the version is snapshot-COMMIT (with -dirty for changes)
#   --version V         stamp V instead of the tag (or the snapshot name)
#   --dry-run           print the commands that build, archive and sum, and run none of them
#   -h, --help          this text
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p;}' "$0"; }
die() { echo "release: $*" >&2; exit 2; }
say() { echo "release: $*" >&2; }

out="" platforms="linux/amd64 linux/arm64 darwin/amd64 darwin/arm64" image="attache"
build_image=1 snapshot=0 version="" dry=0 tag=""
while [ $# -gt 0 ]; do
	case "$1" in
	--out) [ $# -ge 2 ] || die "--out needs a folder"; out=$2; shift 2 ;;
	--platforms) [ $# -ge 2 ] || die "--platforms needs a list such as \"linux/amd64 darwin/arm64\""; platforms=$2; shift 2 ;;
	--image) [ $# -ge 2 ] || die "--image needs a name"; image=$2; shift 2 ;;
	--no-image) build_image=0; shift ;;
	--snapshot) snapshot=1; shift ;;
	--version) [ $# -ge 2 ] || die "--version needs a version such as v1.2.3"; version=$2; shift 2 ;;
	--dry-run) dry=1; shift ;;
	-h | --help) usage; exit 0 ;;
	-*) die "unknown option $1 (see --help)" ;;
	*) [ -z "$tag" ] || die "one tag only, got $tag and $1"; tag=$1; shift ;;
	esac
done

# run prints a command, and runs it unless this is a dry run.
run() {
	printf '+' >&2
	printf ' %q' "$@" >&2
	printf '\n' >&2
	[ "$dry" = 1 ] || "$@"
}

for platform in $platforms; do
	[[ "$platform" =~ ^[a-z0-9]+/[a-z0-9]+$ ]] || die "platform $platform: want GOOS/GOARCH such as linux/amd64"
done
start=$PWD
repo=$(git rev-parse --show-toplevel 2>/dev/null) || die "not in a git repository: run it from a clone of attache"
cd "$repo"

# What to build: the tree of a tag, or the working tree for a snapshot.
if [ "$snapshot" = 1 ]; then
	[ -z "$tag" ] || die "a snapshot builds the working tree: give no tag"
	commit=$(git rev-parse HEAD)
	dirty=""
	[ -z "$(git status --porcelain --untracked-files=no)" ] || dirty="-dirty"
	version=${version:-snapshot-$(git rev-parse --short=12 HEAD)$dirty}
	src=$repo
else
	if [ -z "$tag" ]; then
		tag=$(git describe --tags --exact-match HEAD 2>/dev/null) ||
			die "HEAD has no tag: give the tag to release (scripts/release.sh v1.2.3), or --snapshot to try the release of the working tree"
	fi
	git rev-parse -q --verify "refs/tags/$tag" >/dev/null || die "no tag $tag in $repo (git tag -l lists them)"
	[[ "$tag" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] ||
		die "tag $tag is not a Go module version such as v1.2.3 or v1.2.3-rc.1"
	commit=$(git rev-parse "$tag^{commit}")
	version=${version:-$tag}
fi
git show "$commit:go.mod" 2>/dev/null | grep -q '^module github.com/attache-dev/attache$' ||
	die "$repo at $commit is not the attache repository"
[[ "$version" =~ ^[0-9A-Za-z][0-9A-Za-z.+_-]*$ ]] || die "version $version: use letters, digits and . + _ - only"
date=$(git log -1 --format=%cI "$commit")
epoch=$(git log -1 --format=%ct "$commit")
out=${out:-$repo/dist/$version}
case "$out" in /*) ;; *) out=$start/$out ;; esac
[ "$dry" = 1 ] || mkdir -p "$out"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ "$snapshot" = 0 ]; then
	src=$work/src
	mkdir -p "$src"
	git archive --format=tar "$commit" | tar -x -C "$src"
fi
say "attache $version from $([ "$snapshot" = 1 ] && echo "the working tree at" || echo "tag $tag,") commit $commit ($date)"
say "$(cd "$src" && go version)"

pkg=github.com/attache-dev/attache/internal/buildinfo
ldflags="-s -w -X $pkg.version=$version -X $pkg.revision=$commit -X $pkg.date=$date"

# THIRD_PARTY_LICENSES: the licence files of Go and of every module go.mod requires.
licences=$work/THIRD_PARTY_LICENSES
{
	echo "Licences of the software built into attache $version: the Go standard library and every"
	echo "Go module its go.mod requires, from each one's own files. NOTICE lists them with versions."
	printf '\n==== Go %s (the standard library and runtime) ====\n\n' "$(cd "$src" && go env GOVERSION)"
	cat "$(cd "$src" && go env GOROOT)/LICENSE"
	mods=$(cd "$src" && go mod edit -json | sed -n 's/^[[:space:]]*"Path": "\(.*\)",*$/\1/p' | grep -vx github.com/attache-dev/attache)
	# shellcheck disable=SC2086 # one module path a word
	(cd "$src" && go mod download $mods && go list -m -f '{{.Path}} {{.Version}} {{.Dir}}' $mods) | while read -r mod ver dir; do
		printf '\n==== %s %s ====\n' "$mod" "$ver"
		found=0
		for f in "$dir"/LICENSE* "$dir"/LICENCE* "$dir"/COPYING* "$dir"/NOTICE*; do
			[ -f "$f" ] || continue
			found=1
			printf '\n---- %s ----\n\n' "$(basename "$f")"
			cat "$f"
		done
		[ "$found" = 1 ] || die "module $mod $ver has no licence file in ${dir:-the module cache}"
	done
} >"$licences"

gnutar=0
tar --version 2>/dev/null | grep -q 'GNU tar' && gnutar=1
archives=()
for platform in $platforms; do
	goos=${platform%/*} goarch=${platform#*/}
	name=attache_${version#v}_${goos}_${goarch}
	stage=$work/$name
	mkdir -p "$stage/docs" "$stage/systemd"
	(cd "$src" && run env CGO_ENABLED=0 GOOS="$goos" GOARCH="$goarch" go build -buildvcs=false -trimpath -ldflags "$ldflags" -o "$stage/attache" ./cmd/attache)
	cp "$src/LICENSE" "$src/NOTICE" "$src/README.md" "$src/rules.yaml" "$licences" "$stage/"
	cp "$src/docs/install.md" "$stage/docs/"
	cp "$src/deploy/systemd/attache.service" "$src/deploy/systemd/attache.env.example" "$stage/systemd/"
	# The same bytes for the same tag: fixed order, owner and times, no gzip timestamp.
	if [ "$gnutar" = 1 ]; then
		run tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -C "$work" -cf "$work/$name.tar" "$name"
	else
		run tar -C "$work" -cf "$work/$name.tar" "$name"
	fi
	run gzip -9n "$work/$name.tar"
	run mv "$work/$name.tar.gz" "$out/"
	archives+=("$name.tar.gz")
done

sums=attache_${version#v}_checksums.txt
if command -v sha256sum >/dev/null; then sha=(sha256sum); else sha=(shasum -a 256); fi
if [ "$dry" = 1 ]; then
	run "${sha[@]}" "${archives[@]}"
else
	(cd "$out" && "${sha[@]}" "${archives[@]}" >"$sums")
	say "checksums in $out/$sums"
fi

# The container image, built from the same tree.
docker_build=(docker build -f deploy/Dockerfile --build-arg "VERSION=$version" --build-arg "REVISION=$commit"
	--build-arg "DATE=$date" -t "$image:$version" .)
if [ "$build_image" = 0 ]; then
	say "container image: skipped (--no-image)"
elif ! command -v docker >/dev/null; then
	say "container image: skipped, docker is not installed; where it is, build it from the tag's tree with:"
	say "  ${docker_build[*]}"
elif ! docker info >/dev/null 2>&1; then
	say "container image: skipped, no container engine answers (docker info failed); where one runs, build it from the tag's tree with:"
	say "  ${docker_build[*]}"
else
	(cd "$src" && run "${docker_build[@]}")
	[ "$dry" = 1 ] || say "container image: $image:$version (docker push $image:$version publishes it)"
fi

[ "$dry" = 1 ] && say "dry run: nothing was built" || say "done: $out"
