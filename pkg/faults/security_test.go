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

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"

	"github.com/casewire/casewire/pkg/chtest"
	"github.com/casewire/casewire/pkg/clean"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/connect"
	"github.com/casewire/casewire/pkg/deadletter"
	"github.com/casewire/casewire/pkg/extract"
	"github.com/casewire/casewire/pkg/fetch"
	"github.com/casewire/casewire/pkg/pipeline"
	"github.com/casewire/casewire/pkg/servicetest"
	"github.com/casewire/casewire/pkg/stage"
	"github.com/casewire/casewire/pkg/status"
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
// a password, a token, an NKey, a credentials file (operator/JWT mode), TLS
// with a CA made here, or mutual TLS, and is refused without.
func TestNATSAuthentication(t *testing.T) {
	pki := newPKI(t)
	strangerPKI := newPKI(t) // a client certificate from a CA the server does not trust
	userSrv := startServer(t, &server.Options{Username: "clean", Password: "s3cret-pass"})
	tokenSrv := startServer(t, &server.Options{Authorization: "s3cret-token"})
	tlsSrv := startServer(t, &server.Options{TLS: true, TLSConfig: pki.serverTLS(t), TLSTimeout: 2})
	mtlsSrv := startServer(t, &server.Options{TLS: true, TLSConfig: pki.mutualTLS(t), TLSTimeout: 2})
	// Under TLS 1.3 the server checks the client certificate after the
	// client has finished its handshake, so a refused client sees either
	// the server's alert or, as often, a broken pipe on its next write
	// (nats.go: "connection closed by remote after TLS handshake"). Under
	// TLS 1.2 the check is part of the handshake and the client always gets
	// the alert: "handshake failure" without a certificate, "unknown
	// certificate authority" for one the CA did not sign.
	mtls12 := pki.mutualTLS(t)
	mtls12.MaxVersion = tls.VersionTLS12
	mtls12Srv := startServer(t, &server.Options{TLS: true, TLSConfig: mtls12, TLSTimeout: 2})
	nkeyPub, nkeySeed := nkeyUser(t)
	_, strangerSeed := nkeyUser(t)
	nkeySrv := startServer(t, &server.Options{Nkeys: []*server.NkeyUser{{Nkey: nkeyPub}}})
	op := newOperator(t)
	opSrv := startServer(t, op.options())
	mtls := func(cert, key string) config.NATS {
		return config.NATS{TLS: config.TLS{Enabled: true, CAFile: pki.caFile, CertFile: cert, KeyFile: key}}
	}
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
		{name: "NKey seed file", url: nkeySrv.ClientURL(), cfg: config.NATS{NKeyFile: nkeySeed}},
		{name: "NKey seed the server does not know", url: nkeySrv.ClientURL(), cfg: config.NATS{NKeyFile: strangerSeed}, refused: "uthorization"},
		{name: "no NKey for an NKey server", url: nkeySrv.ClientURL(), refused: "uthorization"},
		{name: "NKey file holding an account seed", url: nkeySrv.ClientURL(), cfg: config.NATS{NKeyFile: op.accountSeedFile}, refused: "nats.nkey_file: nats: Not a valid nkey user seed"},
		{name: "credentials file (operator mode, JetStream account)", url: opSrv.ClientURL(), cfg: config.NATS{CredsFile: op.credsFile}},
		{name: "credentials signed by an unknown account", url: opSrv.ClientURL(), cfg: config.NATS{CredsFile: op.strangerCredsFile}, refused: "uthorization"},
		{name: "no credentials for an operator-mode server", url: opSrv.ClientURL(), refused: "uthorization"},
		{name: "mutual TLS", url: mtlsSrv.ClientURL(), cfg: mtls(pki.clientCertFile, pki.clientKeyFile)},
		{name: "mutual TLS 1.2", url: mtls12Srv.ClientURL(), cfg: mtls(pki.clientCertFile, pki.clientKeyFile)},
		{name: "mutual TLS without a client certificate", url: mtls12Srv.ClientURL(), cfg: mtls("", ""), refused: "remote error: tls: handshake failure"},
		{name: "mutual TLS with a client certificate from another CA", url: mtls12Srv.ClientURL(), cfg: mtls(strangerPKI.clientCertFile, strangerPKI.clientKeyFile), refused: "remote error: tls: unknown certificate authority"},
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
			t.Logf("refused: %v", err)
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

// pki is a throwaway CA, a server certificate for 127.0.0.1 and a client
// certificate for mutual TLS.
type pki struct {
	caFile         string
	ca             *x509.Certificate
	caKey          *ecdsa.PrivateKey
	caPool         *x509.CertPool
	certPEM        []byte
	keyPEM         []byte
	clientCertFile string
	clientKeyFile  string
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
	p := &pki{ca: ca, caKey: caKey, caPool: x509.NewCertPool()}
	p.caPool.AddCert(ca)
	p.certPEM, p.keyPEM = p.issue(t, &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	clientCert, clientKey := p.issue(t, &x509.Certificate{
		SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "casewire-clean"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	dir := t.TempDir()
	p.caFile = writeTestFile(t, dir, "ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}))
	p.clientCertFile = writeTestFile(t, dir, "client.pem", clientCert)
	p.clientKeyFile = writeTestFile(t, dir, "client-key.pem", clientKey)
	return p
}

// issue signs tmpl, valid for a day, with the CA and returns the
// certificate and a new key in PEM.
func (p *pki) issue(t *testing.T, tmpl *x509.Certificate) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, &key.PublicKey, p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}

func (p *pki) serverTLS(t *testing.T) *tls.Config {
	t.Helper()
	cert, err := tls.X509KeyPair(p.certPEM, p.keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
}

// mutualTLS is serverTLS that also demands a client certificate signed by
// the test CA.
func (p *pki) mutualTLS(t *testing.T) *tls.Config {
	t.Helper()
	tc := p.serverTLS(t)
	tc.ClientAuth, tc.ClientCAs = tls.RequireAndVerifyClientCert, p.caPool
	return tc
}

func writeTestFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// nkeyUser makes a user NKey and returns its public key and the path of a
// seed file, what nats.nkey_file points at.
func nkeyUser(t *testing.T) (pub, seedFile string) {
	t.Helper()
	kp, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	return publicKey(t, kp), writeTestFile(t, t.TempDir(), "user.nk", append(seed(t, kp), '\n'))
}

func publicKey(t *testing.T, kp nkeys.KeyPair) string {
	t.Helper()
	pub, err := kp.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

func seed(t *testing.T, kp nkeys.KeyPair) []byte {
	t.Helper()
	s, err := kp.Seed()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// operator is a decentralised (JWT) setup: an operator, a system account,
// an account with JetStream and a user of it in a credentials file, and a
// user signed by an account the server has never heard of.
type operator struct {
	claims            *jwt.OperatorClaims
	sysAccount        string
	resolver          *server.MemAccResolver
	credsFile         string
	strangerCredsFile string
	accountSeedFile   string // an account seed, not a user's
}

func newOperator(t *testing.T) *operator {
	t.Helper()
	newKey := func(create func() (nkeys.KeyPair, error)) nkeys.KeyPair {
		kp, err := create()
		if err != nil {
			t.Fatal(err)
		}
		return kp
	}
	opKP := newKey(nkeys.CreateOperator)
	sysKP, accKP, strangerKP := newKey(nkeys.CreateAccount), newKey(nkeys.CreateAccount), newKey(nkeys.CreateAccount)
	o := &operator{sysAccount: publicKey(t, sysKP), resolver: &server.MemAccResolver{}}

	oc := jwt.NewOperatorClaims(publicKey(t, opKP))
	oc.Name, oc.SystemAccount = "casewire-test", o.sysAccount
	opJWT, err := oc.Encode(opKP)
	if err != nil {
		t.Fatal(err)
	}
	// Decoded from its JWT, as the server reads an operator file.
	if o.claims, err = jwt.DecodeOperatorClaims(opJWT); err != nil {
		t.Fatal(err)
	}

	register := func(kp nkeys.KeyPair, name string, js bool) {
		ac := jwt.NewAccountClaims(publicKey(t, kp))
		ac.Name = name
		if js {
			// Accounts have no JetStream unless their JWT grants it.
			ac.Limits.JetStreamLimits = jwt.JetStreamLimits{MemoryStorage: -1, DiskStorage: -1, Streams: -1, Consumer: -1}
		}
		j, err := ac.Encode(opKP)
		if err != nil {
			t.Fatal(err)
		}
		if err := o.resolver.Store(ac.Subject, j); err != nil {
			t.Fatal(err)
		}
	}
	register(sysKP, "SYS", false)
	register(accKP, "CASEWIRE", true)
	// strangerKP is deliberately not registered.

	creds := func(accKP nkeys.KeyPair) string {
		userKP := newKey(nkeys.CreateUser)
		uc := jwt.NewUserClaims(publicKey(t, userKP))
		uc.Name = "clean"
		j, err := uc.Encode(accKP)
		if err != nil {
			t.Fatal(err)
		}
		c, err := jwt.FormatUserConfig(j, seed(t, userKP))
		if err != nil {
			t.Fatal(err)
		}
		return writeTestFile(t, t.TempDir(), "user.creds", c)
	}
	o.credsFile, o.strangerCredsFile = creds(accKP), creds(strangerKP)
	o.accountSeedFile = writeTestFile(t, t.TempDir(), "account.nk", seed(t, accKP))
	return o
}

// options are the server options of operator mode, to pass to startServer.
func (o *operator) options() *server.Options {
	return &server.Options{
		TrustedOperators: []*jwt.OperatorClaims{o.claims},
		SystemAccount:    o.sysAccount,
		AccountResolver:  o.resolver,
	}
}

// servicePasswords are the variables deployments/nats/casewire.conf reads.
var servicePasswords = map[string]string{
	"fetch": "CASEWIRE_NATS_FETCH_PASSWORD", "clean": "CASEWIRE_NATS_CLEAN_PASSWORD",
	"extract": "CASEWIRE_NATS_EXTRACT_PASSWORD", "load": "CASEWIRE_NATS_LOAD_PASSWORD",
	"operator": "CASEWIRE_NATS_OPERATOR_PASSWORD", "monitor": "CASEWIRE_NATS_MONITOR_PASSWORD",
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
	env := func(user string) stage.Env {
		_, js := asUser(t, url, user)
		return stage.Env{JS: js, Config: cfg, Log: quietLog()}
	}
	conn, db := chtest.Open(t)
	if err := warehouse.Migrate(ctx, conn, db); err != nil {
		t.Fatal(err)
	}
	w := warehouse.NewWriter(conn, db, warehouse.WriterOptions{})
	errs := make(chan error, 3)
	cleanEnv, extractEnv, loadEnv := env("clean"), env("extract"), env("load")
	go func() { errs <- clean.Run(ctx, cleanEnv, clean.New(clean.Options{})) }()
	go func() { errs <- extract.Run(ctx, extractEnv, x) }()
	go func() { errs <- warehouse.Run(ctx, loadEnv, w) }()
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
			// Forced: the letter is garbage (reason decode); what is tested
			// is the operator's right to replay.
			if _, err := store.Replay(ctx, l.Seq, true); err != nil {
				t.Errorf("operator replays %d: %v", l.Seq, err)
			}
		}
	}

	// The monitoring user reads every stage's state as casewire status does,
	// connected the read-only way.
	mctx, mcancel := context.WithTimeout(ctx, 20*time.Second)
	defer mcancel()
	monNC, monJS, err := connect.NATSInspect(mctx, config.NATS{User: "monitor", Password: "pw-monitor"}, url, "monitor", quietLog())
	if err != nil {
		t.Fatalf("monitor: %v", err)
	}
	t.Cleanup(monNC.Close)
	snap, err := status.Take(mctx, monJS, time.Now)
	if err != nil {
		t.Fatalf("monitor reads the status: %v", err)
	}
	if len(snap.Stages) != len(topology.Hops()) || snap.Stages[0].LastSeq == 0 {
		t.Errorf("monitor's status: %+v", snap.Stages)
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
		{name: "monitor publishes raw articles", do: func(ctx context.Context) error {
			_, err := monJS.PublishMsg(ctx, &nats.Msg{Subject: topology.SubjectRaw, Data: []byte("{}")})
			return err
		}},
		{name: "monitor creates a stream", do: func(ctx context.Context) error {
			_, err := monJS.CreateStream(ctx, jetstream.StreamConfig{Name: "CASEWIRE_RAW_V1", Subjects: []string{topology.SubjectRaw}})
			return err
		}},
		{name: "monitor reads a dead letter", do: func(ctx context.Context) error {
			s, err := monJS.Stream(ctx, topology.StreamDeadLetter)
			if err != nil {
				return err
			}
			_, err = s.GetMsg(ctx, letters[0].Seq)
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
