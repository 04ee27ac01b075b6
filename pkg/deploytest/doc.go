// Package deploytest holds the tests of everything under deployments/: the
// example configuration, the Dockerfile, the compose file, the Kubernetes
// manifests, the NATS and ClickHouse cluster files. No container engine runs
// where these tests run, so they parse every file and check it against the
// code it deploys (binaries, configuration fields, schema), and they run the
// single-node path for real: the service binaries, built the way the
// Dockerfile builds them, against a JetStream and a ClickHouse server.
package deploytest
