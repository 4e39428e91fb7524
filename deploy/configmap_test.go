package deploy

import (
	"maps"
	"reflect"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestTheConfigMapConfigurationLoadsWithItsStateOnTheVolume(t *testing.T) {
	all := manifests(t)
	d, _ := byKind(t, all, "Deployment")
	cm, _ := byKind(t, all, "ConfigMap")
	c := at(t, d, "spec", "template", "spec", "containers", 0)
	env := map[string]string{}
	for _, e := range at(t, c, "env").([]any) {
		name := at(t, e, "name").(string)
		if v, ok := e.(object)["value"].(string); ok {
			env[name] = v
		} else {
			env[name] = "fake-" + name
		}
	}
	cfg, asked := parseConfig(t, "configmap.yaml rules.yaml", []byte(at(t, cm, "data", "rules.yaml").(string)), env)
	if cfg.State != stateFile {
		t.Errorf("state %q, want %q on the volume mounted at %s", cfg.State, stateFile, stateDir)
	}
	if !slices.Contains(asked, "SLACK_BOT_TOKEN") {
		t.Errorf("the configuration reads %q: want SLACK_BOT_TOKEN, which the Secret provides", asked)
	}
	for _, name := range asked {
		if _, ok := env[name]; !ok {
			t.Errorf("the configuration reads ${%s}, which the Deployment does not set", name)
		}
	}
	if len(cfg.Destinations) < 2 {
		t.Errorf("destinations %v: want the console and Slack", slices.Sorted(maps.Keys(cfg.Destinations)))
	}
}

// deployedKeys are the top-level keys of rules.yaml that the ConfigMap sets
// differently on purpose; every other key must be the same.
var deployedKeys = []string{"state", "destinations", "default_notify", "health_notify"}

func TestTheConfigMapKeepsEverythingElseOfTheShippedRules(t *testing.T) {
	cm, _ := byKind(t, manifests(t), "ConfigMap")
	var shipped, deployed object
	if err := yaml.Unmarshal(readFile(t, "../rules.yaml"), &shipped); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal([]byte(at(t, cm, "data", "rules.yaml").(string)), &deployed); err != nil {
		t.Fatal(err)
	}
	keys := slices.Sorted(maps.Keys(shipped))
	for k := range deployed {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	for _, key := range keys {
		if !slices.Contains(deployedKeys, key) && !reflect.DeepEqual(deployed[key], shipped[key]) {
			t.Errorf("%s differs between deploy/kubernetes/configmap.yaml and rules.yaml: update the ConfigMap", key)
		}
	}
}
