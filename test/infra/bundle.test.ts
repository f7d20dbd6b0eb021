// The function bundle exactly as `cdk deploy` uploads it, run in a child Node.js process: it reads its secret from
// a Secrets Manager stand-in on 127.0.0.1 and must refuse a database whose certificate no RDS CA signed. The database
// is a stand-in too: it accepts PostgreSQL's SSLRequest and presents a certificate of a throwaway CA, as the test
// PostgreSQL of the integration tests does; whether the client trusts it is decided before anything else is said.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
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

beforeAll(async () => {
  const certificates = makeTestCertificates();
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

it('runs from the deployed bundle and refuses a database certificate that no RDS CA signed', async () => {
  const { app } = synthesize();
  const bundle = readdirSync(app.outdir)
    .map((dir) => path.join(app.outdir, dir, 'index.js'))
    .find((file) => existsSync(file) && readFileSync(file, 'utf8').includes('/api/analytics/social'));
  expect(bundle).toBeDefined();
  const script = `require(${JSON.stringify(bundle)}).migrate({}, { getRemainingTimeInMillis: () => 60000, awsRequestId: 'bundle-test' })
    .then((r) => { console.log('RESULT ' + JSON.stringify(r)); }, (e) => { console.error('FAILED ' + e.message); process.exit(1); });`;
  // Asynchronous on purpose: the Secrets Manager stand-in answers from this process's event loop.
  const child = spawn(process.execPath, ['-e', script], {
    env: {
      PATH: process.env.PATH,
      // Lambda's runtime provides the AWS SDK; here it comes from the project's node_modules.
      NODE_PATH: path.join(ROOT, 'node_modules'),
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
  expect(requestedSecrets).toEqual([
    'secretsmanager.GetSecretValue arn:aws:secretsmanager:us-east-1:111111111111:secret:database-AbCdEf',
  ]);
  expect(sslRequests).toBeGreaterThan(0);
  expect(stderr).toMatch(/FAILED .*(self[- ]signed certificate|unable to verify)/i);
  expect(status).toBe(1);
  expect(stdout).not.toMatch(/RESULT/);
});
