package main

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestClusterFlags(t *testing.T) {
	t.Parallel()
	s3 := []string{"--storage", "s3", "--s3-endpoint", "http://127.0.0.1:7070"}
	pg := "postgres://ossemu:secret@db:5432/ossemu"
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want func(t *testing.T, c ClusterConfig)
		err  string
	}{
		{name: "defaults: one embedded node", want: func(t *testing.T, c ClusterConfig) {
			require.Empty(t, c.QueueURL)
			require.Equal(t, RoleAll, c.Role)
			require.Regexp(t, `^[A-Za-z0-9][A-Za-z0-9._-]*-[0-9a-f]{6}$`, c.NodeID, "host name and a random suffix")
			require.Equal(t, 30*time.Second, c.LeaseTimeout)
		}},
		{name: "worker from the environment", args: s3, env: map[string]string{"OSSEMU_QUEUE_URL": pg, "OSSEMU_ROLE": "worker", "OSSEMU_NODE_ID": "w-1.b"},
			want: func(t *testing.T, c ClusterConfig) {
				require.Equal(t, pg, c.QueueURL)
				require.Equal(t, RoleWorker, c.Role)
				require.Equal(t, "w-1.b", c.NodeID)
				require.True(t, c.runsTasks())
				require.False(t, c.servesAPI())
			}},
		{name: "api node", args: append([]string{"--queue-url", pg, "--role", "api", "--lease-timeout", "5s"}, s3...),
			want: func(t *testing.T, c ClusterConfig) {
				require.False(t, c.runsTasks())
				require.True(t, c.servesAPI())
				require.Equal(t, 5*time.Second, c.LeaseTimeout)
			}},
		{name: "a shared queue needs shared objects", args: []string{"--queue-url", pg}, err: "--queue-url needs --storage s3"},
		{name: "roles need a shared queue", args: append([]string{"--role", "worker"}, s3...), err: "--role worker needs --queue-url"},
		{name: "unknown role", args: []string{"--role", "boss"}, err: `--role "boss"`},
		{name: "not a PostgreSQL URL", args: append([]string{"--queue-url", "mysql://db/x"}, s3...), err: "use a PostgreSQL URL"},
		{name: "bad node id", args: []string{"--node-id", "node one"}, err: "--node-id"},
		{name: "lease too short", args: []string{"--lease-timeout", "10ms"}, err: "--lease-timeout"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := parseConfig(c.args, env(c.env), io.Discard)
			if c.err != "" {
				require.ErrorContains(t, err, c.err)
				require.NotContains(t, err.Error(), "secret", "the URL's password is never echoed")
				return
			}
			require.NoError(t, err)
			c.want(t, cfg.Cluster)
		})
	}
	a, err := parseConfig(nil, env(nil), io.Discard)
	require.NoError(t, err)
	b, err := parseConfig(nil, env(nil), io.Discard)
	require.NoError(t, err)
	require.NotEqual(t, a.Cluster.NodeID, b.Cluster.NodeID, "two processes on one host get different ids")
}
