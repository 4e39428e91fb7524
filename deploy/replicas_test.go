package deploy

import (
	"slices"
	"testing"

	"github.com/attache-dev/attache/config"
)

// TestTheReplicasOverlayRunsThreePodsOnPostgreSQL checks the overlay
// against the base it patches: three pods replaced one at a time, a
// disruption budget over the same pods, the state from the example Secret
// (a postgres:// URL the configuration accepts), and the claim, its volume
// and its mount removed by the names the base gives them.
func TestTheReplicasOverlayRunsThreePodsOnPostgreSQL(t *testing.T) {
	base := manifests(t)
	over := manifestsIn(t, "kubernetes/replicas")
	kust := over["kustomization.yaml"][0]
	if res := toStrings(at(t, kust, "resources")); !slices.Contains(res, "../") || !slices.Contains(res, "pdb.yaml") {
		t.Errorf("resources %v: want the base ../ and pdb.yaml", res)
	}

	patch := over["deployment.yaml"][0]
	if r := at(t, patch, "spec", "replicas"); r != 3 {
		t.Errorf("replicas %v, want 3", r)
	}
	if s := at(t, patch, "spec", "strategy", "type"); s != "RollingUpdate" {
		t.Errorf("strategy %v, want RollingUpdate", s)
	}
	d, _ := byKind(t, base, "Deployment")
	pod := at(t, d, "spec", "template", "spec")
	c := at(t, pod, "containers", 0)
	pc := at(t, patch, "spec", "template", "spec", "containers", 0)
	if at(t, pc, "name") != at(t, c, "name") {
		t.Errorf("the patch's container %v is not the base's %v", at(t, pc, "name"), at(t, c, "name"))
	}

	// The state: the base's ATTACHE_STATE, now from the example Secret.
	named(t, at(t, c, "env"), "ATTACHE_STATE")
	ref := at(t, named(t, at(t, pc, "env"), "ATTACHE_STATE"), "valueFrom", "secretKeyRef")
	secret := over["postgres-secret.yaml"][0]
	url, _ := at(t, secret, "stringData", at(t, ref, "key").(string)).(string)
	if at(t, ref, "name") != at(t, secret, "metadata", "name") || !config.IsPostgres(url) {
		t.Fatalf("ATTACHE_STATE from %v: want a postgres:// URL of the example Secret", ref)
	}
	cm, _ := byKind(t, base, "ConfigMap")
	cfg, _ := parseConfig(t, "the ConfigMap under the overlay", []byte(at(t, cm, "data", "rules.yaml").(string)),
		map[string]string{"ATTACHE_STATE": url, "SLACK_BOT_TOKEN": "xoxb-fake"})
	if cfg.State != url {
		t.Errorf("state %q, want the Secret's URL", cfg.State)
	}
	if slices.Contains(toStrings(at(t, kust, "resources")), "postgres-secret.yaml") {
		t.Error("the example Secret is applied: kubectl apply -k would replace the real password")
	}

	// The claim, its volume and its mount go, by the base's names.
	vol := named(t, at(t, patch, "spec", "template", "spec", "volumes"), "state")
	if vol["$patch"] != "delete" {
		t.Errorf("volume state: %v, want $patch: delete", vol)
	}
	named(t, at(t, pod, "volumes"), "state")
	mount := at(t, pc, "volumeMounts", 0).(object)
	if mount["$patch"] != "delete" || mount["mountPath"] != at(t, named(t, at(t, c, "volumeMounts"), "state"), "mountPath") {
		t.Errorf("mount patch %v: want the base's state mount deleted", mount)
	}

	// The budget covers the Deployment's pods.
	pdb, _ := byKind(t, over, "PodDisruptionBudget")
	sel := at(t, pdb, "spec", "selector", "matchLabels").(object)
	labels := at(t, d, "spec", "template", "metadata", "labels").(object)
	for k, v := range sel {
		if labels[k] != v {
			t.Errorf("the budget selects %s=%v, the pods are labelled %v", k, v, labels)
		}
	}
	if at(t, pdb, "spec", "maxUnavailable") != 1 {
		t.Errorf("maxUnavailable %v, want 1", at(t, pdb, "spec", "maxUnavailable"))
	}
}
