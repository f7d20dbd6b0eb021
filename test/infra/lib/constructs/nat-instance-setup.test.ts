// lib/constructs/nat-instance-setup.sh, run for real: the user data text the stack renders, under bash, with every
// command it calls replaced by a stub on PATH that logs its call and keeps just enough state (installed package,
// loaded sysctl, iptables rules) for the script's own checks to pass or fail honestly. No root, no network.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NAT_SETUP_SCRIPT_PATH, natSetupCommands, natSetupScript } from '../../../../lib/constructs/nat-instance-setup';

const BASH = ['/bin/bash', '/usr/bin/bash'].find((candidate) => existsSync(candidate)) as string;
const VALUES = { stackName: 'AyrshareAnalyticsTracker', region: 'eu-west-1', logicalId: 'NetworkNatInstanceABCD1234' };
const INSTANCE_ID = 'i-0123456789abcdef0';

// Each stub logs "name args..." to $STUB_CALLS and keeps its state under $STUB_STATE.
const STUBS: Record<string, string> = {
  dnf: `
count=$(($(cat "$STUB_STATE/dnf-count" 2>/dev/null || echo 0) + 1))
echo "$count" >"$STUB_STATE/dnf-count"
if [ "$STUB_DNF_FAILURES" = always ] || [ "$count" -le "$STUB_DNF_FAILURES" ]; then
  echo "Error: Failed to download metadata for repo 'amazonlinux'" >&2; exit 1
fi`,
  systemctl: `
case "$1" in
  enable) : >"$STUB_STATE/enabled-$2" ;;
  start) [ -f "$STUB_STATE/enabled-$2" ] ;;
  is-enabled) [ -f "$STUB_STATE/enabled-\${@: -1}" ] ;;
  *) exit 2 ;;
esac`,
  sysctl: `
case "$1" in
  -p) if [ -z "$STUB_SYSCTL_IGNORES" ] && grep -qx 'net.ipv4.ip_forward=1' "$2"; then echo 1 >"$STUB_STATE/ip_forward"; fi ;;
  -n) [ "$2" = net.ipv4.ip_forward ] && (cat "$STUB_STATE/ip_forward" 2>/dev/null || echo 0) ;;
  *) exit 2 ;;
esac`,
  ip: `
[ "$*" = "-o route show default" ] || exit 2
[ -n "$STUB_INTERFACE" ] && echo "default via 10.0.0.1 dev $STUB_INTERFACE proto dhcp src 10.0.0.57 metric 512"
exit 0`,
  iptables: `
table=filter
if [ "$1" = -t ]; then table=$2; shift 2; fi
operation=$1; shift
case "$operation" in
  -A) echo "-A $*" >>"$STUB_STATE/rules-$table" ;;
  -C) grep -qxF -- "-A $*" "$STUB_STATE/rules-$table" 2>/dev/null ;;
  -F) echo "$table $1" >>"$STUB_STATE/flushed" ;;
  *) exit 2 ;;
esac`,
  'iptables-save': `
echo '*nat'
cat "$STUB_STATE/rules-nat" 2>/dev/null
echo COMMIT`,
  curl: `
case "$*" in
  *"-X PUT http://169.254.169.254/latest/api/token"*) echo TOKEN ;;
  *"X-aws-ec2-metadata-token: TOKEN http://169.254.169.254/latest/meta-data/instance-id") echo ${INSTANCE_ID} ;;
  *169.254.169.254*) exit 22 ;;
  *) if [ -n "$STUB_CURL_FAILS" ]; then echo "curl: (28) Connection timed out" >&2; exit 28; fi ;;
esac`,
  aws: '[ -z "$STUB_AWS_FAILS" ]',
  sleep: 'exit 0',
};
// Real tools the script and the stubs need; nothing else is on PATH.
const TOOLS = ['awk', 'cat', 'grep', 'mkdir'];

interface Run {
  status: number | null;
  output: string;
  calls: string[];
  root: string;
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'nat-setup-'));
  const bin = path.join(work, 'bin');
  const tools = path.join(work, 'tools');
  mkdirSync(bin);
  mkdirSync(tools);
  for (const [name, body] of Object.entries(STUBS)) {
    writeFileSync(path.join(bin, name), `#!${BASH}\necho "${name} $*" >>"$STUB_CALLS"\n${body.trim()}\n`);
    chmodSync(path.join(bin, name), 0o755);
  }
  for (const tool of TOOLS) {
    const found = spawnSync(BASH, ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    symlinkSync(found, path.join(tools, tool));
  }
  writeFileSync(path.join(work, 'user-data.sh'), natSetupScript(VALUES));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

let runs = 0;
function run(env: Record<string, string> = {}, options: { without?: string; natRules?: string[] } = {}): Run {
  const dir = path.join(work, `run-${++runs}`);
  const root = path.join(dir, 'root');
  const state = path.join(dir, 'state');
  mkdirSync(root, { recursive: true });
  mkdirSync(state);
  if (options.natRules)
    writeFileSync(path.join(state, 'rules-nat'), options.natRules.map((rule) => `${rule}\n`).join(''));
  let bin = path.join(work, 'bin');
  if (options.without) {
    // A copy of the stubs without one command, as on an image that lacks it.
    bin = path.join(dir, 'bin');
    mkdirSync(bin);
    for (const name of Object.keys(STUBS).filter((name) => name !== options.without)) {
      symlinkSync(path.join(work, 'bin', name), path.join(bin, name));
    }
  }
  const calls = path.join(dir, 'calls.log');
  writeFileSync(calls, '');
  const result = spawnSync(BASH, [path.join(work, 'user-data.sh')], {
    encoding: 'utf8',
    timeout: 30_000,
    env: {
      PATH: `${bin}:${path.join(work, 'tools')}`,
      NAT_ROOT: root,
      STUB_CALLS: calls,
      STUB_STATE: state,
      STUB_DNF_FAILURES: '0',
      STUB_INTERFACE: 'ens5',
      ...env,
    },
  });
  return {
    status: result.status,
    output: result.stdout + result.stderr,
    calls: readFileSync(calls, 'utf8').split('\n').filter(Boolean),
    root,
  };
}

const named = (calls: string[], name: string) => calls.filter((call) => call.startsWith(`${name} `));
const signals = (calls: string[]) => named(calls, 'aws');
const signal = (status: string) =>
  `aws cloudformation signal-resource --region eu-west-1 --stack-name AyrshareAnalyticsTracker ` +
  `--logical-resource-id NetworkNatInstanceABCD1234 --unique-id ${INSTANCE_ID} --status ${status}`;

describe('NAT instance setup script', () => {
  it('is valid bash, as a file and as the rendered user data', () => {
    for (const file of [NAT_SETUP_SCRIPT_PATH, path.join(work, 'user-data.sh')]) {
      const check = spawnSync(BASH, ['-n', file], { encoding: 'utf8' });
      expect(check.stderr).toBe('');
      expect(check.status).toBe(0);
    }
  });

  it.each(['ens5', 'enX0'])(
    'retries the install with backoff, then NATs on the discovered interface (%s), verifies and signals SUCCESS',
    (iface) => {
      const { status, calls, root, output } = run({ STUB_DNF_FAILURES: '2', STUB_INTERFACE: iface });
      expect(output).toContain('installing iptables-services failed (attempt 2 of 10)');
      expect(status).toBe(0);
      // Three installs, with waits of 5 s and 10 s between them.
      expect(named(calls, 'dnf')).toEqual(Array(3).fill('dnf install -y iptables-services'));
      const installs = calls.slice(0, calls.indexOf('systemctl enable iptables'));
      expect(installs).toEqual([
        'dnf install -y iptables-services',
        'sleep 5',
        'dnf install -y iptables-services',
        'sleep 10',
        'dnf install -y iptables-services',
      ]);
      // Forwarding persisted and loaded; MASQUERADE on the interface of the default route, saved for the service.
      const conf = path.join(root, 'etc/sysctl.d/custom-ip-forwarding.conf');
      expect(readFileSync(conf, 'utf8')).toBe('net.ipv4.ip_forward=1\n');
      expect(calls).toContain(`sysctl -p ${conf}`);
      expect(calls).toContain(`iptables -t nat -A POSTROUTING -o ${iface} -j MASQUERADE`);
      expect(calls.filter((call) => call.includes('MASQUERADE') && !call.includes(`-o ${iface} `))).toEqual([]);
      expect(calls).toContain('iptables -F FORWARD');
      expect(readFileSync(path.join(root, 'etc/sysconfig/iptables'), 'utf8')).toContain(
        `-A POSTROUTING -o ${iface} -j MASQUERADE\n`,
      );
      // Checked, then signalled once, with the instance ID read through IMDSv2.
      const checked = calls.indexOf('curl -fsS --max-time 10 -o /dev/null https://aws.amazon.com');
      expect(checked).toBeGreaterThan(calls.indexOf('iptables-save '));
      expect(calls).toContain('sysctl -n net.ipv4.ip_forward');
      expect(calls).toContain('systemctl is-enabled --quiet iptables');
      expect(signals(calls)).toEqual([signal('SUCCESS')]);
      expect(calls.indexOf(signal('SUCCESS'))).toBeGreaterThan(checked);
    },
  );

  it('does not add the MASQUERADE rule twice when it is already there', () => {
    const { status, calls, root } = run({}, { natRules: ['-A POSTROUTING -o ens5 -j MASQUERADE'] });
    expect(status).toBe(0);
    expect(calls).toContain('iptables -t nat -C POSTROUTING -o ens5 -j MASQUERADE');
    expect(calls.filter((call) => call.startsWith('iptables -t nat -A'))).toEqual([]);
    expect(readFileSync(path.join(root, 'etc/sysconfig/iptables'), 'utf8').match(/MASQUERADE/g)).toHaveLength(1);
  });

  it('signals FAILURE and exits non-zero when no HTTPS request gets out', () => {
    const { status, calls, output } = run({ STUB_CURL_FAILS: '1' });
    expect(status).not.toBe(0);
    expect(named(calls, 'curl').filter((call) => call.includes('https://aws.amazon.com'))).toHaveLength(5);
    expect(signals(calls)).toEqual([signal('FAILURE')]);
    expect(output).toContain('FAILED: no HTTPS answer from https://aws.amazon.com');
  });

  it('gives up after 10 install attempts, signals FAILURE and sets up nothing', () => {
    const { status, calls, output } = run({ STUB_DNF_FAILURES: 'always' });
    expect(status).not.toBe(0);
    expect(named(calls, 'dnf')).toHaveLength(10);
    // Waits double from 5 s and stop at 30 s; none after the last attempt.
    expect(named(calls, 'sleep')).toEqual(
      ['5', '10', '20', '30', '30', '30', '30', '30', '30'].map((s) => `sleep ${s}`),
    );
    expect(named(calls, 'iptables')).toEqual([]);
    expect(signals(calls)).toEqual([signal('FAILURE')]);
    expect(output).toContain('FAILED: could not install iptables-services');
  });

  it('signals FAILURE when forwarding does not take effect', () => {
    const { status, calls, output } = run({ STUB_SYSCTL_IGNORES: '1' });
    expect(status).not.toBe(0);
    expect(signals(calls)).toEqual([signal('FAILURE')]);
    expect(output).toContain('FAILED: net.ipv4.ip_forward is not 1');
  });

  it('signals FAILURE when it finds no default route, rather than guessing an interface', () => {
    const { status, calls } = run({ STUB_INTERFACE: '' });
    expect(status).not.toBe(0);
    expect(calls.filter((call) => call.includes('MASQUERADE'))).toEqual([]);
    expect(signals(calls)).toEqual([signal('FAILURE')]);
  });

  it('signals FAILURE when a command it needs is missing', () => {
    const { status, calls, output } = run({}, { without: 'iptables-save' });
    expect(status).not.toBe(0);
    expect(output).toContain('FAILED: could not save the rules');
    expect(signals(calls)).toEqual([signal('FAILURE')]);
  });

  it('retries the signal itself, and exits non-zero when it cannot be sent', () => {
    const { status, calls } = run({ STUB_AWS_FAILS: '1' });
    expect(status).not.toBe(0);
    expect(signals(calls)).toEqual(Array(5).fill(signal('SUCCESS')));
  });
});

describe('NAT instance setup user data', () => {
  it('assigns the stack values on top of the script', () => {
    const script = readFileSync(NAT_SETUP_SCRIPT_PATH, 'utf8');
    expect(natSetupScript(VALUES)).toBe(
      [
        '#!/bin/bash',
        "NAT_STACK_NAME='AyrshareAnalyticsTracker'",
        "NAT_REGION='eu-west-1'",
        "NAT_LOGICAL_ID='NetworkNatInstanceABCD1234'",
        script.slice(script.indexOf('\n') + 1),
      ].join('\n'),
    );
  });

  it('refuses a value that would need quoting', () => {
    expect(() => natSetupCommands({ ...VALUES, stackName: "x'; reboot; '" })).toThrow(/stackName/);
  });
});
