package deploy

import (
	"bytes"
	"errors"
	"io"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

type object = map[string]any

// manifests reads every document of every YAML file in kubernetes/.
func manifests(t *testing.T) map[string][]object {
	t.Helper()
	return manifestsIn(t, "kubernetes")
}

// manifestsIn reads every document of every YAML file in dir.
func manifestsIn(t *testing.T, dir string) map[string][]object {
	t.Helper()
	files, err := filepath.Glob(dir + "/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no %s/*.yaml: %v", dir, err)
	}
	out := map[string][]object{}
	for _, name := range files {
		dec := yaml.NewDecoder(bytes.NewReader(readFile(t, name)))
		for {
			var doc object
			err := dec.Decode(&doc)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if doc != nil {
				out[filepath.Base(name)] = append(out[filepath.Base(name)], doc)
			}
		}
	}
	return out
}

// at walks a decoded document; it fails the test where the path breaks.
func at(t *testing.T, v any, keys ...any) any {
	t.Helper()
	for i, k := range keys {
		switch k := k.(type) {
		case string:
			m, ok := v.(object)
			if !ok || m[k] == nil {
				t.Fatalf("no %v", keys[:i+1])
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("no %v", keys[:i+1])
			}
			v = l[k]
		}
	}
	return v
}

// byKind returns the one object of a kind, and the file it is in.
func byKind(t *testing.T, all map[string][]object, kind string) (object, string) {
	t.Helper()
	var found []object
	var file string
	for name, docs := range all {
		for _, d := range docs {
			if d["kind"] == kind {
				found = append(found, d)
				file = name
			}
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d objects of kind %s, want 1", len(found), kind)
	}
	return found[0], file
}

func named(t *testing.T, list any, name string) object {
	t.Helper()
	for _, e := range list.([]any) {
		if m, ok := e.(object); ok && m["name"] == name {
			return m
		}
	}
	t.Fatalf("nothing named %q in %v", name, list)
	return nil
}

func TestEveryKubernetesManifestParsesAndHasAKindAndAName(t *testing.T) {
	for name, docs := range manifests(t) {
		for i, d := range docs {
			api, _ := d["apiVersion"].(string)
			kind, _ := d["kind"].(string)
			if api == "" || kind == "" {
				t.Errorf("%s, document %d: apiVersion %q, kind %q", name, i+1, api, kind)
			}
			if kind == "Kustomization" {
				continue
			}
			if n, _ := at(t, d, "metadata", "name").(string); n == "" {
				t.Errorf("%s, document %d: no metadata.name", name, i+1)
			}
		}
	}
}

func TestTheKustomizationListsEveryManifestButTheExampleSecret(t *testing.T) {
	all := manifests(t)
	k, _ := byKind(t, all, "Kustomization")
	var listed []string
	for _, r := range at(t, k, "resources").([]any) {
		listed = append(listed, r.(string))
	}
	var want []string
	for name := range all {
		if name != "kustomization.yaml" && name != "secret.yaml" {
			want = append(want, name)
		}
	}
	if slices.Sort(listed); !slices.Equal(listed, slices.Sorted(slices.Values(want))) {
		t.Errorf("resources %q, want %q (secret.yaml stays out: apply -k must not overwrite the real token)", listed, want)
	}
}

func TestTheDeploymentRunsOneNonRootPodWithAReadOnlyRoot(t *testing.T) {
	all := manifests(t)
	d, _ := byKind(t, all, "Deployment")
	if r := at(t, d, "spec", "replicas"); r != 1 {
		t.Errorf("replicas %v, want 1: SQLite has one writer", r)
	}
	if s := at(t, d, "spec", "strategy", "type"); s != "Recreate" {
		t.Errorf("strategy %v, want Recreate: the old pod must release the state first", s)
	}
	pod := at(t, d, "spec", "template", "spec")
	_, flags := checkArgs(t, "Deployment args", readCLI(t), toStrings(at(t, pod, "containers", 0, "args")))
	stop := shutdownTimeout(t, "Deployment args", flags)
	if g, _ := at(t, pod, "terminationGracePeriodSeconds").(int); time.Duration(g)*time.Second <= stop {
		t.Errorf("terminationGracePeriodSeconds %d: want more than the shutdown timeout %v", g, stop)
	}
	if at(t, pod, "securityContext", "runAsNonRoot") != true {
		t.Error("pod securityContext.runAsNonRoot is not true")
	}
	if u, _ := at(t, pod, "securityContext", "runAsUser").(int); u == 0 {
		t.Error("pod securityContext.runAsUser is root")
	}
	if s := at(t, pod, "securityContext", "seccompProfile", "type"); s != "RuntimeDefault" {
		t.Errorf("seccompProfile %v, want RuntimeDefault", s)
	}
	containers := at(t, pod, "containers").([]any)
	if len(containers) != 1 {
		t.Fatalf("%d containers, want 1", len(containers))
	}
	c := containers[0]
	if at(t, c, "securityContext", "readOnlyRootFilesystem") != true {
		t.Error("readOnlyRootFilesystem is not true")
	}
	if at(t, c, "securityContext", "allowPrivilegeEscalation") != false {
		t.Error("allowPrivilegeEscalation is not false")
	}
	if drop := at(t, c, "securityContext", "capabilities", "drop"); !slices.Contains(drop.([]any), any("ALL")) {
		t.Errorf("capabilities.drop %v, want ALL", drop)
	}
	for _, kind := range []string{"requests", "limits"} {
		if m, _ := at(t, c, "resources", kind).(object); len(m) == 0 {
			t.Errorf("no resources.%s", kind)
		}
	}
	tmp := named(t, at(t, c, "volumeMounts"), "tmp")
	if tmp["mountPath"] != "/tmp" || at(t, named(t, at(t, pod, "volumes"), "tmp"), "emptyDir") == nil {
		t.Error("no writable emptyDir at /tmp, which SQLite needs under a read-only root")
	}
}

func TestTheProbesAndTheServiceUseThePortTheDaemonListensOn(t *testing.T) {
	all := manifests(t)
	d, _ := byKind(t, all, "Deployment")
	svc, _ := byKind(t, all, "Service")
	pod := at(t, d, "spec", "template", "spec")
	c := at(t, pod, "containers", 0)

	_, flags := checkArgs(t, "Deployment args", readCLI(t), toStrings(at(t, c, "args")))
	port := listenPort(t, "Deployment args", flags["listen"])
	ports := at(t, c, "ports").([]any)
	if len(ports) != 1 || at(t, ports[0], "containerPort") != port {
		t.Fatalf("container ports %v, want one: %d, as --listen", ports, port)
	}
	// resolve turns a port given by name or number into the container's port.
	resolve := func(p any) int {
		if p == at(t, ports[0], "name") {
			return port
		}
		n, _ := p.(int)
		return n
	}
	for probe, want := range map[string]string{"livenessProbe": "/healthz", "readinessProbe": "/readyz"} {
		if p := at(t, c, probe, "httpGet", "path"); p != want {
			t.Errorf("%s path %v, want %s", probe, p, want)
		}
		if p := at(t, c, probe, "httpGet", "port"); resolve(p) != port {
			t.Errorf("%s port %v, want %d", probe, p, port)
		}
	}

	sp := at(t, svc, "spec", "ports", 0)
	if resolve(at(t, sp, "targetPort")) != port {
		t.Errorf("Service targetPort %v, want the container's %d", at(t, sp, "targetPort"), port)
	}
	if a := at(t, svc, "metadata", "annotations", "prometheus.io/port"); a != strconv.Itoa(at(t, sp, "port").(int)) {
		t.Errorf("prometheus.io/port %v, Service port %v", a, at(t, sp, "port"))
	}
	if p := at(t, svc, "metadata", "annotations", "prometheus.io/path"); p != "/metrics" {
		t.Errorf("prometheus.io/path %v, want /metrics", p)
	}
	labels := at(t, d, "spec", "template", "metadata", "labels").(object)
	for k, v := range at(t, svc, "spec", "selector").(object) {
		if labels[k] != v {
			t.Errorf("Service selector %s=%v does not select the pod (labels %v)", k, v, labels)
		}
	}
}

func toStrings(v any) []string {
	var out []string
	for _, e := range v.([]any) {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}

func TestTheDeploymentMountsTheConfigMapThePVCAndTheSecret(t *testing.T) {
	all := manifests(t)
	d, _ := byKind(t, all, "Deployment")
	cm, _ := byKind(t, all, "ConfigMap")
	pvc, _ := byKind(t, all, "PersistentVolumeClaim")
	secret, _ := byKind(t, all, "Secret")
	pod := at(t, d, "spec", "template", "spec")
	c := at(t, pod, "containers", 0)
	_, flags := checkArgs(t, "Deployment args", readCLI(t), toStrings(at(t, c, "args")))

	// The configuration file: a key of the ConfigMap, in the directory it is mounted on.
	cfgVol := named(t, at(t, pod, "volumes"), "config")
	if n := at(t, cfgVol, "configMap", "name"); n != at(t, cm, "metadata", "name") {
		t.Errorf("config volume uses ConfigMap %v, the ConfigMap is %v", n, at(t, cm, "metadata", "name"))
	}
	cfgMount := named(t, at(t, c, "volumeMounts"), "config")
	dir, key := path.Split(flags["config"])
	if path.Clean(dir) != at(t, cfgMount, "mountPath") || at(t, cm, "data", key) == nil {
		t.Errorf("-c %s: want a key of the ConfigMap under its mount %v", flags["config"], at(t, cfgMount, "mountPath"))
	}

	// The state: on the claim.
	if n := at(t, named(t, at(t, pod, "volumes"), "state"), "persistentVolumeClaim", "claimName"); n != at(t, pvc, "metadata", "name") {
		t.Errorf("state volume claims %v, the PVC is %v", n, at(t, pvc, "metadata", "name"))
	}
	if m := at(t, pvc, "spec", "accessModes"); !slices.Equal(m.([]any), []any{"ReadWriteOnce"}) {
		t.Errorf("PVC accessModes %v, want ReadWriteOnce", m)
	}
	if m := at(t, named(t, at(t, c, "volumeMounts"), "state"), "mountPath"); m != stateDir {
		t.Errorf("state mounted at %v, want %s", m, stateDir)
	}

	// The token: from the Secret's key.
	ref := at(t, named(t, at(t, c, "env"), "SLACK_BOT_TOKEN"), "valueFrom", "secretKeyRef")
	if at(t, ref, "name") != at(t, secret, "metadata", "name") || at(t, secret, "stringData", at(t, ref, "key").(string)) == nil {
		t.Errorf("SLACK_BOT_TOKEN from %v: not a key of the example Secret %v", ref, at(t, secret, "metadata", "name"))
	}
}
