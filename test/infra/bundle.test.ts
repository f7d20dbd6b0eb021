// The function bundle exactly as `cdk deploy` uploads it, run in a child Node.js process: it reads its secret from
// a Secrets Manager stand-in on 127.0.0.1 and trusts a database certificate only through NODE_EXTRA_CA_CERTS, the
// mechanism the deployed function uses for the runtime's RDS authorities. The database is a stand-in too: it accepts
// PostgreSQL's SSLRequest and presents a certificate of a throwaway CA; whether the client trusts it is decided before
// anything else is said. The bundle's size is held to 500 KB.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { synthesize } from '../support/synth';
import { makeTestCertificates } from '../support/tls';

const ROOT = path.resolve(__dirname, '../..');
/** The first message of a PostgreSQL client that wants TLS: length 8, then this code. */
const SSL_REQUEST_CODE = 80877103;
let secretsManager: http.Server;
let database: net.Server;
let endpoint: string;
const requestedSecrets: string[] = [];
let sslRequests = 0;
let handshakes = 0;
let trustedCaFile: string;
let otherCaFile: string;

beforeAll(async () => {
  const certificates = makeTestCertificates();
  const folder = mkdtempSync(path.join(os.tmpdir(), 'tracker-bundle-ca-'));
  trustedCaFile = path.join(folder, 'signer.pem');
  otherCaFile = path.join(folder, 'other.pem');
  writeFileSync(trustedCaFile, certificates.caCertificate);
  writeFileSync(otherCaFile, makeTestCertificates().caCertificate);
  database = net.createServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.once('data', (request: Buffer) => {
      if (request.length !== 8 || request.readInt32BE(4) !== SSL_REQUEST_CODE) return void socket.destroy();
      sslRequests += 1;
      socket.write('S');
      const secure = new tls.TLSSocket(socket, {
        isServer: true,
        key: certificates.serverKey,
        cert: certificates.serverCertificate,
      });
      secure.on('error', () => secure.destroy());
      // Trusted: the handshake completes; then this stand-in hangs up, which is not a certificate error.
      secure.on('secure', () => {
        handshakes += 1;
        secure.destroy();
      });
    });
  });
  await new Promise<void>((resolve) => database.listen(0, '127.0.0.1', resolve));
  const port = (database.address() as AddressInfo).port;
  const secret = {
    engine: 'postgres',
    host: '127.0.0.1',
    port,
    username: 'tracker',
    password: 'not-used',
    dbname: 'tracker',
  };
  // Secrets Manager speaks JSON 1.1 over POST: X-Amz-Target names the operation.
  secretsManager = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      requestedSecrets.push(`${String(req.headers['x-amz-target'])} ${SecretId}`);
      res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ ARN: SecretId, Name: 'database', SecretString: JSON.stringify(secret) }));
    });
  });
  await new Promise<void>((resolve) => secretsManager.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(secretsManager.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => secretsManager.close(() => resolve()));
  await new Promise<void>((resolve) => database.close(() => resolve()));
});

/** Runs the bundle's migrate handler in a child process with NODE_EXTRA_CA_CERTS set to `caFile`. */
async function runBundle(bundle: string, caFile: string) {
  const script = `require(${JSON.stringify(bundle)}).migrate({}, { getRemainingTimeInMillis: () => 60000, awsRequestId: 'bundle-test' })
    .then((r) => { console.log('RESULT ' + JSON.stringify(r)); }, (e) => { console.error('FAILED ' + e.message); process.exit(1); });`;
  // Asynchronous on purpose: the Secrets Manager stand-in answers from this process's event loop.
  const child = spawn(process.execPath, ['-e', script], {
    env: {
      PATH: process.env.PATH,
      // Lambda's runtime provides the AWS SDK; here it comes from the project's node_modules.
      NODE_PATH: path.join(ROOT, 'node_modules'),
      NODE_EXTRA_CA_CERTS: caFile,
      DATABASE_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:database-AbCdEf',
      TRACKER_TIMEZONE: 'America/New_York',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'TEST-ACCESS-KEY',
      AWS_SECRET_ACCESS_KEY: 'TEST-SECRET-ACCESS-KEY',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { status, stdout, stderr };
}

describe('the deployed bundle', () => {
  const { app } = synthesize();
  const bundle = readdirSync(app.outdir)
    .map((dir) => path.join(app.outdir, dir, 'index.js'))
    .find((file) => existsSync(file) && readFileSync(file, 'utf8').includes('/api/analytics/social'))!;

  it('is at most 500 KB (the AWS SDK comes from the runtime, the RDS authorities too)', () => {
    expect(bundle).toBeDefined();
    expect(statSync(bundle).size).toBeLessThanOrEqual(500 * 1024);
  });

  it('leaves glob and its dependencies out (node-pg-migrate never calls it here): its source map names none', () => {
    const sources = (JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as { sources: string[] }).sources;
    expect(sources.some((s) => s.includes('node-pg-migrate/'))).toBe(true);
    expect(sources.some((s) => s.endsWith('lambda/storage/no-glob.ts'))).toBe(true);
    expect(sources.filter((s) => /node_modules\/(glob|minimatch|path-scurry|lru-cache|minipass)\//.test(s))).toEqual(
      [],
    );
  });

  it('refuses a database certificate that no authority in NODE_EXTRA_CA_CERTS signed', async () => {
    const { status, stdout, stderr } = await runBundle(bundle, otherCaFile);
    expect(requestedSecrets).toEqual([
      'secretsmanager.GetSecretValue arn:aws:secretsmanager:us-east-1:111111111111:secret:database-AbCdEf',
    ]);
    expect(sslRequests).toBeGreaterThan(0);
    expect(handshakes).toBe(0);
    expect(stderr).toMatch(/FAILED .*(self[- ]signed certificate|unable to verify)/i);
    expect(status).toBe(1);
    expect(stdout).not.toMatch(/RESULT/);
  });

  it('trusts the same certificate once its authority is in NODE_EXTRA_CA_CERTS', async () => {
    const { status, stderr } = await runBundle(bundle, trustedCaFile);
    expect(handshakes).toBeGreaterThan(0);
    // It got past TLS: what fails now is the stand-in hanging up, not the certificate.
    expect(stderr).toMatch(/FAILED /);
    expect(stderr).not.toMatch(/self[- ]signed|unable to verify|certificate/i);
    expect(status).toBe(1);
  }, 30_000);
});
