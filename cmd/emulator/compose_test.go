package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// TestComposeFile: every ossemu service of docker-compose.yml starts from a
// configuration the emulator accepts (the image's ENV plus the service's
// environment), the default profile is the single embedded node, and the
// cluster profile has an api node and two workers on PostgreSQL and S3.
// (No Docker engine here: this checks what the emulator will be given.)
func TestComposeFile(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("..", "..", "docker-compose.yml"))
	require.NoError(t, err)
	var doc struct {
		Services map[string]struct {
			Profiles    []string
			Build       string
			Environment map[string]string
			HealthCheck *struct{ Test []string } `yaml:"healthcheck"`
			Deploy      struct{ Replicas int }
		}
	}
	require.NoError(t, yaml.Unmarshal(data, &doc))
	image := map[string]string{"OSSEMU_ADDR": "0.0.0.0:9000", "OSSEMU_DATA_DIR": "/data", "OSSEMU_MNS_ADDR": "0.0.0.0:9100"} // Dockerfile ENV
	roles := map[string][]string{}
	for name, s := range doc.Services {
		require.NotNil(t, s.HealthCheck, "%s has a health check", name)
		if s.Build == "" {
			continue // postgres, minio
		}
		env := map[string]string{}
		for k, v := range image {
			env[k] = v
		}
		for k, v := range s.Environment {
			env[k] = v
		}
		cfg, err := parseConfig(nil, func(k string) string { return env[k] }, io.Discard)
		require.NoError(t, err, name)
		profile := "default"
		if len(s.Profiles) > 0 {
			profile = s.Profiles[0]
		}
		for range max(s.Deploy.Replicas, 1) {
			roles[profile] = append(roles[profile], cfg.Cluster.Role)
		}
		if profile == "cluster" {
			require.NotEmpty(t, cfg.Cluster.QueueURL, name)
			require.Equal(t, StorageS3, cfg.Select.Kind, name)
			require.Equal(t, "http://minio:9000", cfg.Select.S3.Endpoint, name)
		} else {
			require.Empty(t, cfg.Cluster.QueueURL, name)
			require.Equal(t, StorageLocal, cfg.Select.Kind, name)
		}
	}
	require.Equal(t, []string{RoleAll}, roles["default"])
	require.ElementsMatch(t, []string{RoleAPI, RoleWorker, RoleWorker}, roles["cluster"])
}
