#!/bin/bash
# Turns this instance into the VPC's NAT, proves that it works, and tells CloudFormation.
#
# The stack puts this file into the NAT instance's user data (lib/constructs/nat-instance-setup.ts) after three
# assignments: NAT_STACK_NAME, NAT_REGION and NAT_LOGICAL_ID (the instance's own logical ID). cloud-init runs it
# once, as root, at the instance's first boot; its output goes to /var/log/cloud-init-output.log and to the
# instance's system log (EC2 console: Actions > Monitor and troubleshoot > Get system log).
#
# It does what aws-cdk-lib's default NAT instance user data does (iptables-services enabled, ip_forward on and
# persisted, MASQUERADE on the primary interface, the FORWARD chain's default REJECT flushed, rules saved), but it
# retries the package install, finds the interface instead of assuming its name, checks the result, and signals
# SUCCESS or FAILURE to the instance's CreationPolicy: the private subnets' routes through this instance, and the
# functions behind them, are created only after SUCCESS.
#
# Every command is looked up on PATH and every file it writes is under NAT_ROOT (empty on the instance), so
# test/infra/lib/constructs/nat-instance-setup.test.ts runs this very script with stub commands and without root.
set -uo pipefail

: "${NAT_STACK_NAME:?}" "${NAT_REGION:?}" "${NAT_LOGICAL_ID:?}"
NAT_ROOT="${NAT_ROOT:-}"
NAT_INSTALL_ATTEMPTS="${NAT_INSTALL_ATTEMPTS:-10}"
NAT_CHECK_ATTEMPTS="${NAT_CHECK_ATTEMPTS:-5}"
NAT_BACKOFF_SECONDS="${NAT_BACKOFF_SECONDS:-5}" # the first wait; it doubles after each attempt, up to 30 s
NAT_CHECK_URL="${NAT_CHECK_URL:-https://aws.amazon.com}"
IMDS="http://169.254.169.254/latest"
SYSCTL_CONF="$NAT_ROOT/etc/sysctl.d/custom-ip-forwarding.conf"
SAVED_RULES="$NAT_ROOT/etc/sysconfig/iptables"
signalled=""

log() { echo "nat-setup: $*"; }

# Waits before attempt n+1: NAT_BACKOFF_SECONDS * 2^(n-1), at most 30 s.
pause() {
  local seconds=$((NAT_BACKOFF_SECONDS << ($1 - 1)))
  ((seconds > 30)) && seconds=30
  sleep "$seconds"
}

# retry ATTEMPTS WHAT COMMAND...: runs COMMAND until it succeeds, at most ATTEMPTS times.
retry() {
  local attempts=$1 what=$2 attempt
  shift 2
  for ((attempt = 1; attempt <= attempts; attempt++)); do
    "$@" && return 0
    log "$what failed (attempt $attempt of $attempts)"
    ((attempt < attempts)) && pause "$attempt"
  done
  return 1
}

# Sends SUCCESS or FAILURE for this instance (the unique ID is its instance ID, read through IMDSv2).
send_signal() {
  local status=$1 token instance_id
  token=$(curl -fsS --max-time 5 -X PUT "$IMDS/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 300') &&
    instance_id=$(curl -fsS --max-time 5 -H "X-aws-ec2-metadata-token: $token" "$IMDS/meta-data/instance-id") &&
    aws cloudformation signal-resource --region "$NAT_REGION" --stack-name "$NAT_STACK_NAME" \
      --logical-resource-id "$NAT_LOGICAL_ID" --unique-id "$instance_id" --status "$status"
}

signal() {
  signalled=$1
  retry 5 "signalling $1 to CloudFormation" send_signal "$1" && log "signalled $1 to CloudFormation"
}

fail() {
  log "FAILED: $*"
  signal FAILURE
  exit 1
}

# Whatever ends the script before it signals (an unexpected error, a missing command) is a failure too.
trap 'status=$?; if [ -z "$signalled" ]; then log "FAILED: stopped before the end (exit $status)"; signal FAILURE; exit 1; fi' EXIT

# The interface of the default route: eth0, ens5 or enX0 depending on the instance type and image.
primary_interface() {
  ip -o route show default | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }'
}

# 1. The firewall service that restores saved rules at boot. dnf can race other boot-time jobs, so retry.
retry "$NAT_INSTALL_ATTEMPTS" "installing iptables-services" dnf install -y iptables-services ||
  fail "could not install iptables-services"
systemctl enable iptables || fail "could not enable the iptables service"
systemctl start iptables || fail "could not start the iptables service"

# 2. Forwarding, now and after a reboot.
mkdir -p "${SYSCTL_CONF%/*}" && echo "net.ipv4.ip_forward=1" >"$SYSCTL_CONF" || fail "could not write $SYSCTL_CONF"
sysctl -p "$SYSCTL_CONF" || fail "could not load $SYSCTL_CONF"

# 3. Translate what the VPC sends out of the primary interface; forward everything (the security group admits
#    only the VPC); save the rules for the iptables service.
interface=""
for ((attempt = 1; attempt <= NAT_CHECK_ATTEMPTS; attempt++)); do
  interface=$(primary_interface)
  [ -n "$interface" ] && break
  log "no default route yet (attempt $attempt of $NAT_CHECK_ATTEMPTS)"
  ((attempt < NAT_CHECK_ATTEMPTS)) && pause "$attempt"
done
[ -n "$interface" ] || fail "found no default route, so no primary interface"
log "primary interface: $interface"
masquerade=(POSTROUTING -o "$interface" -j MASQUERADE)
iptables -t nat -C "${masquerade[@]}" 2>/dev/null || iptables -t nat -A "${masquerade[@]}" ||
  fail "could not add the MASQUERADE rule on $interface"
iptables -F FORWARD || fail "could not flush the FORWARD chain"
mkdir -p "${SAVED_RULES%/*}" && iptables-save >"$SAVED_RULES" || fail "could not save the rules to $SAVED_RULES"

# 4. Check all of it before telling CloudFormation the NAT works.
[ "$(sysctl -n net.ipv4.ip_forward)" = "1" ] || fail "net.ipv4.ip_forward is not 1"
iptables -t nat -C "${masquerade[@]}" || fail "the MASQUERADE rule on $interface is missing"
grep -qxF -- "-A ${masquerade[*]}" "$SAVED_RULES" || fail "the saved rules lack the MASQUERADE rule"
systemctl is-enabled --quiet iptables || fail "the iptables service will not restore the rules at boot"
retry "$NAT_CHECK_ATTEMPTS" "HTTPS request to $NAT_CHECK_URL" curl -fsS --max-time 10 -o /dev/null "$NAT_CHECK_URL" ||
  fail "no HTTPS answer from $NAT_CHECK_URL"
log "NAT verified: forwarding on, MASQUERADE on $interface (saved), HTTPS out works"

signal SUCCESS || {
  log "could not signal SUCCESS; CloudFormation will fail the instance when its signal timeout passes"
  exit 1
}
