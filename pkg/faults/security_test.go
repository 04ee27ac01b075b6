package faults

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"github.com/casewire/casewire/pkg/servicetest"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/chtest"
	"github.com/casewire/casewire/pkg/clean"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/connect"
	"github.com/casewire/casewire/pkg/deadletter"
	"github.com/casewire/casewire/pkg/fetch"
	"github.com/casewire/casewire/pkg/pipeline"
	"github.com/casewire/casewire/pkg/topology"
	"github.com/casewire/casewire/pkg/warehouse"
)

// startServer runs an in-process NATS server with JetStream and the given
// options on a random loopback port.
func startServer(t *testing.T, o *server.Options) *server.Server {
	t.Helper()
	o.Host, o.Port, o.HTTPPort = "127.0.0.1", server.RANDOM_PORT, 0
	o.JetStream, o.StoreDir = true, t.TempDir()
	o.NoSigs, o.NoLog = true, true
	o.MaxPayload = 8 << 20
	s, err := server.NewServer(o)
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("NATS server not ready")
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	return s
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// dial connects the way every service does, from its configuration.
func dial(t *testing.T, c config.NATS, url, name string, timeout time.Duration) (*nats.Conn, jetstream.JetStream, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	nc, js, err := connect.NATS(ctx, c, url, name, config.Default().Streams, quietLog())
	if err == nil {
		t.Cleanup(nc.Close)
	}
	return nc, js, err
}

// TestNATSAuthentication connects as a service does to servers that demand
// a password, a token, or TLS with a CA made here, and is refused without.
func TestNATSAuthentication(t *testing.T) {
	pki := newPKI(t)
	userSrv := startServer(t, &server.Options{Username: "clean", Password: "s3cret-pass"})
	tokenSrv := startServer(t, &server.Options{Authorization: "s3cret-token"})
	tlsSrv := startServer(t, &server.Options{TLS: true, TLSConfig: pki.serverTLS(t), TLSTimeout: 2})
	cases := []struct {
		name    string
		url     string
		cfg     config.NATS
		refused string // what the error says; empty when the connection must work
	}{
		{name: "user and password", url: userSrv.ClientURL(), cfg: config.NATS{User: "clean", Password: "s3cret-pass"}},
		{name: "wrong password", url: userSrv.ClientURL(), cfg: config.NATS{User: "clean", Password: "guess"}, refused: "uthorization"},
		{name: "no credentials for a password server", url: userSrv.ClientURL(), refused: "uthorization"},
		{name: "token", url: tokenSrv.ClientURL(), cfg: config.NATS{Token: "s3cret-token"}},
		{name: "token from a file", url: tokenSrv.ClientURL(), cfg: config.NATS{Token: readSecretFile(t, "s3cret-token")}},
		{name: "no token", url: tokenSrv.ClientURL(), refused: "uthorization"},
		{name: "TLS with the test CA", url: tlsSrv.ClientURL(), cfg: config.NATS{TLS: config.TLS{Enabled: true, CAFile: pki.caFile}}},
		{name: "TLS without the CA", url: tlsSrv.ClientURL(), cfg: config.NATS{TLS: config.TLS{Enabled: true}}, refused: "certificate"},
		{name: "no TLS settings for a TLS server", url: tlsSrv.ClientURL(), refused: "certificate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			timeout := 20 * time.Second
			if c.refused != "" {
				timeout = 3 * time.Second
			}
			_, js, err := dial(t, c.cfg, c.url, "clean", timeout)
			if c.refused == "" {
				if err != nil {
					t.Fatalf("connect: %v", err)
				}
				// Connected and allowed to work: the topology is there.
				if _, err := topology.Consumer(context.Background(), js, topology.StageClean); err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("connected, want refused")
			}
			if !strings.Contains(err.Error(), c.refused) {
				t.Errorf("error %q does not say %q", err, c.refused)
			}
		})
	}
}

// readSecretFile goes through config's password/token file path.
func readSecretFile(t *testing.T, secret string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(p, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Read("", func(k string) (string, bool) {
		if k == "CASEWIRE_NATS_TOKEN_FILE" {
			return p, true
		}
		return "", false
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c.NATS.Token
}

// pki is a throwaway CA and a server certificate for 127.0.0.1.
type pki struct {
	caFile   string
	ca       *x509.Certificate
	caKey    *ecdsa.PrivateKey
	certPEM  []byte
	keyPEM   []byte
	template *x509.Certificate
}

func newPKI(t *testing.T) *pki {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "casewire test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	srvTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage: x509.KeyUsageDigitalSignature,
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, ca, &srvKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(srvKey)
	if err != nil {
		t.Fatal(err)
	}
	p := &pki{ca: ca, caKey: caKey,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srvDER}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
	}
	p.caFile = filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p.caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *pki) serverTLS(t *testing.T) *tls.Config {
	t.Helper()
	cert, err := tls.X509KeyPair(p.certPEM, p.keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
}

// servicePasswords are the variables deployments/nats/casewire.conf reads.
var servicePasswords = map[string]string{
	"fetch": "CASEWIRE_NATS_FETCH_PASSWORD", "clean": "CASEWIRE_NATS_CLEAN_PASSWORD",
	"extract": "CASEWIRE_NATS_EXTRACT_PASSWORD", "load": "CASEWIRE_NATS_LOAD_PASSWORD",
	"operator": "CASEWIRE_NATS_OPERATOR_PASSWORD",
}

// leastPrivilegeServer starts a server from the deployment's configuration.
func leastPrivilegeServer(t *testing.T) *server.Server {
	t.Helper()
	for user, env := range servicePasswords {
		t.Setenv(env, "pw-"+user)
	}
	root := servicetest.RepoRoot(t)
	o, err := server.ProcessConfigFile(filepath.Join(root, "deployments", "nats", "casewire.conf"))
	if err != nil {
		t.Fatalf("deployments/nats/casewire.conf: %v", err)
	}
	return startServer(t, o)
}

func asUser(t *testing.T, url, user string) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, js, err := dial(t, config.NATS{User: user, Password: "pw-" + user}, url, user, 20*time.Second)
	if err != nil {
		t.Fatalf("%s: %v", user, err)
	}
	return nc, js
}

// TestLeastPrivilege runs the whole pipeline on a server configured by
// deployments/nats/casewire.conf, each stage as its own user, then checks
// that a stage is refused what belongs to another.
func TestLeastPrivilege(t *testing.T) {
	x, err := sharedExtractor()
	if err != nil {
		t.Fatal(err)
	}
	srv := leastPrivilegeServer(t)
	url := srv.ClientURL()
	cfg := config.Default()
	cfg.Load.BatchWait = 100 * time.Millisecond

	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	env := func(user string) pipeline.Env {
		_, js := asUser(t, url, user)
		return pipeline.Env{JS: js, Config: cfg, Log: quietLog()}
	}
	conn, db := chtest.Open(t)
	if err := warehouse.Migrate(ctx, conn, db); err != nil {
		t.Fatal(err)
	}
	w := warehouse.NewWriter(conn, db, warehouse.WriterOptions{})
	errs := make(chan error, 3)
	cleanEnv, extractEnv, loadEnv := env("clean"), env("extract"), env("load")
	go func() { errs <- pipeline.RunClean(ctx, cleanEnv, clean.New(clean.Options{})) }()
	go func() { errs <- pipeline.RunExtract(ctx, extractEnv, x) }()
	go func() { errs <- pipeline.RunLoad(ctx, loadEnv, w) }()
	t.Cleanup(func() {
		cancel()
		for range 3 {
			if err := <-errs; err != nil {
				t.Errorf("stage: %v", err)
			}
		}
	})

	// fetch: its seen-state bucket, a publish and a rejection.
	_, fetchJS := asUser(t, url, "fetch")
	pub, err := fetch.NewPublisher(ctx, fetchJS, 1, quietLog())
	if err != nil {
		t.Fatalf("fetch user: %v", err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "good.txt"), []byte(goodText), 0o644)
	os.WriteFile(filepath.Join(dir, "empty.txt"), nil, 0o644)
	st, err := (&fetch.Runner{Source: fetch.Source{Name: "perm"}, Paths: []string{dir}, Pub: pub, Log: quietLog()}).Scan(ctx)
	if err != nil || st.Published != 1 || st.Rejected != 1 {
		t.Fatalf("fetch as its user: %+v %v", st, err)
	}
	_, opJS := asUser(t, url, "operator")
	wctx, wcancel := context.WithTimeout(ctx, time.Minute)
	defer wcancel()
	if err := pipeline.WaitIdle(wctx, opJS, 20*time.Millisecond); err != nil {
		t.Fatalf("pipeline as least-privilege users did not catch up: %v", err)
	}
	var n uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM "+db+".v_articles").Scan(&n); err != nil || n != 1 {
		t.Fatalf("v_articles: %d (%v), want the one article", n, err)
	}

	// The operator lists and replays dead letters.
	if _, err := opJS.PublishMsg(ctx, &nats.Msg{Subject: topology.SubjectRaw, Data: []byte("not a message")}, jetstream.WithMsgID("perm:garbage")); err != nil {
		t.Fatalf("operator publish to the raw subject: %v", err)
	}
	store, err := deadletter.Open(ctx, opJS)
	if err != nil {
		t.Fatal(err)
	}
	var letters []deadletter.Letter
	for deadline := time.Now().Add(20 * time.Second); len(letters) < 2; time.Sleep(20 * time.Millisecond) {
		if letters, err = store.List(ctx, ""); err != nil {
			t.Fatalf("operator lists dead letters: %v", err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("dead letters: %d, want 2", len(letters))
		}
	}
	for _, l := range letters {
		if l.Stage == topology.StageClean {
			if _, err := store.Replay(ctx, l.Seq); err != nil {
				t.Errorf("operator replays %d: %v", l.Seq, err)
			}
		}
	}

	// What each user must not do.
	cleanNC, cleanJS := asUser(t, url, "clean")
	_, loadJS := asUser(t, url, "load")
	denied := []struct {
		name string
		do   func(ctx context.Context) error
	}{
		{name: "clean publishes extracted articles", do: func(ctx context.Context) error {
			_, err := cleanJS.PublishMsg(ctx, &nats.Msg{Subject: topology.SubjectExtracted, Data: []byte("{}")})
			return err
		}},
		{name: "load publishes raw articles", do: func(ctx context.Context) error {
			_, err := loadJS.PublishMsg(ctx, &nats.Msg{Subject: topology.SubjectRaw, Data: []byte("{}")})
			return err
		}},
		{name: "clean pulls load's messages", do: func(ctx context.Context) error {
			c, err := cleanJS.Consumer(ctx, topology.StreamExtracted, topology.StageLoad)
			if err != nil {
				return err
			}
			b, err := c.Fetch(1, jetstream.FetchMaxWait(time.Second))
			if err != nil {
				return err
			}
			for range b.Messages() {
			}
			if err := b.Error(); err != nil {
				return err
			}
			// A pull request is fire and forget: the refusal arrives as
			// the connection's asynchronous error.
			if e := cleanNC.LastError(); e != nil && strings.Contains(e.Error(), "CONSUMER.MSG.NEXT.CASEWIRE_EXTRACTED_V1.load") {
				return e
			}
			return nil
		}},
		{name: "clean deletes a stream", do: func(ctx context.Context) error {
			return cleanJS.DeleteStream(ctx, topology.StreamRaw)
		}},
		{name: "load reads the fetch bucket", do: func(ctx context.Context) error {
			_, err := loadJS.KeyValue(ctx, fetch.SeenBucket)
			return err
		}},
		{name: "fetch deletes a dead letter", do: func(ctx context.Context) error {
			s, err := fetchJS.Stream(ctx, topology.StreamDeadLetter)
			if err != nil {
				return err
			}
			return s.DeleteMsg(ctx, letters[0].Seq)
		}},
	}
	for _, d := range denied {
		t.Run("denied/"+d.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if err := d.do(ctx); err == nil {
				t.Errorf("allowed, want refused")
			}
		})
	}
}

// TestSecretsStayOutOfLogs runs real binaries with secrets in the
// environment and files: neither the logs nor `casewire config` show them,
// and a secret given on the command line is refused.
func TestSecretsStayOutOfLogs(t *testing.T) {
	srv := startServer(t, &server.Options{Username: "clean", Password: "pw-in-env-7731"})
	chPassFile := filepath.Join(t.TempDir(), "ch-pass")
	if err := os.WriteFile(chPassFile, []byte("ch-pass-in-file-4409\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	secrets := []string{"pw-in-env-7731", "ch-pass-in-file-4409"}
	env := append(os.Environ(),
		"CASEWIRE_NATS_URL="+srv.ClientURL(), "CASEWIRE_NATS_USER=clean", "CASEWIRE_NATS_PASSWORD=pw-in-env-7731",
		"CASEWIRE_CLICKHOUSE_PASSWORD_FILE="+chPassFile, "CASEWIRE_LOG_LEVEL=debug", "CASEWIRE_LOG_FORMAT=json")
	run := func(t *testing.T, name string, args ...string) (string, error) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, servicetest.Binary(t, name), args...)
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}

	t.Run("casewire config redacts", func(t *testing.T) {
		out, err := run(t, "casewire", "config")
		if err != nil {
			t.Fatalf("casewire config: %v\n%s", err, out)
		}
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("casewire config shows secret %q", s)
			}
		}
		if !strings.Contains(out, "nats.password: <redacted>") || !strings.Contains(out, "clickhouse.password: <redacted>") {
			t.Errorf("secrets not marked redacted:\n%s", out)
		}
	})
	t.Run("--set refuses a secret", func(t *testing.T) {
		out, err := run(t, "casewire", "config", "--set", "nats.password=on-the-command-line")
		if err == nil || !strings.Contains(out, "is a secret") {
			t.Errorf("--set nats.password accepted: %v\n%s", err, out)
		}
	})
	t.Run("worker log", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, servicetest.Binary(t, "clean"))
		cmd.Env = env
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		var out syncBuffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Once it logged that it started it has connected with the secret.
		for !strings.Contains(out.String(), `"msg":"started"`) {
			if ctx.Err() != nil {
				t.Fatalf("clean did not start:\n%s", out.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		for _, s := range secrets {
			if strings.Contains(out.String(), s) {
				t.Errorf("clean's log shows secret %q:\n%s", s, out.String())
			}
		}
	})
}

// syncBuffer is a bytes.Buffer a process writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
