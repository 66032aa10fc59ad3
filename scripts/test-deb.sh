#!/usr/bin/env bash
# The .deb as a user meets it: a fresh Debian root of this machine's release made by debootstrap
# (no Swift in it; cached under .cache/, git-ignored), `apt-get install ./axpsim_….deb` inside it,
# `axpsim serve` started there (chroot), and a smoke test from outside over loopback:
# OAuth → JWT → session → chat → agent message → event. Prints the time from the start of
# `apt-get install` to a ready server. Needs root, debootstrap, python3 with requests.
# Usage: scripts/test-deb.sh [dist/axpsim_VERSION_ARCH.deb]   (default: the newest in dist/)
set -euo pipefail
cd "$(dirname "$0")/.."

deb="${1:-$(ls -t dist/axpsim_*.deb 2>/dev/null | head -1)}"
[ -f "$deb" ] || { echo "test-deb.sh: no .deb (run scripts/package.sh first)" >&2; exit 2; }
codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
root="$PWD/.cache/debroot-$codename"

if [ ! -x "$root/usr/bin/apt-get" ]; then
  echo "== debootstrap $codename into $root (cached for later runs)" >&2
  rm -rf "$root.partial"
  debootstrap --variant=minbase "$codename" "$root.partial" "$mirror" >&2
  mv "$root.partial" "$root"
fi

cleanup() {
  if [ -n "${server_pid:-}" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  mountpoint -q "$root/proc" && umount "$root/proc"
  mountpoint -q "$root/dev" && umount "$root/dev"
  rm -rf "$root/tmp/axpsim-test"
}
trap cleanup EXIT
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf"
chroot "$root" sh -c 'dpkg -r axpsim >/dev/null 2>&1 || true'
if chroot "$root" sh -c 'command -v swift' >/dev/null 2>&1; then echo "test-deb.sh: the root has Swift; it must not" >&2; exit 1; fi

mkdir -p "$root/tmp/axpsim-test"
cp "$deb" "$root/tmp/axpsim-test/axpsim.deb"
chroot "$root" apt-get update -qq >&2
started=$(date +%s.%N)
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq /tmp/axpsim-test/axpsim.deb >&2
chroot "$root" axpsim version
chroot "$root" sh -c 'cd /tmp/axpsim-test && exec axpsim serve --http-port 0 --ws-port 0 --db :memory: --ready-file /tmp/axpsim-test/ready.json --log-level warning' &
server_pid=$!
for _ in $(seq 1 600); do [ -s "$root/tmp/axpsim-test/ready.json" ] && break; sleep 0.05; done
[ -s "$root/tmp/axpsim-test/ready.json" ] || { echo "test-deb.sh: the server did not become ready" >&2; exit 1; }
ready=$(date +%s.%N)
echo "from apt-get install to a ready server: $(python3 -c "print(f'{$ready - $started:.1f}')") s"

python3 - "$root/tmp/axpsim-test/ready.json" <<'PY'
import json, sys, requests
base = json.load(open(sys.argv[1]))["httpUrl"]
account, client, secret, appkey = "DEMOAA", "retail-backend", "retail-backend-secret", "retail-appkey-0001"
integration = "6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01"
token = requests.post(f"{base}/auth/realms/{account}/protocol/openid-connect/token", headers={"appkey": appkey},
                      data={"grant_type": "client_credentials", "client_id": client, "client_secret": secret}).json()["access_token"]
jwt = requests.post(f"{base}/api/digital/chat/v1/accounts/{account}/tokens", json={"integrationId": integration, "customerId": "deb-smoke"},
                    headers={"Authorization": f"Bearer {token}", "appkey": appkey}).json()["jwtToken"]
sdk = {"Authorization": f"Bearer {jwt}", "appkey": appkey}
path = f"{base}/sdk/digital/chat/v1/integrations/{integration}"
session = requests.post(f"{path}/sessions", json={"clientType": "web"}, headers=sdk).json()["sessionId"]
chat = requests.post(f"{path}/engagements", json={"sessionId": session, "engagementParameters": {}}, headers=sdk).json()["engagementId"]
assert requests.post(f"{base}/__sim/engagements/{chat}/agent/join", json={"displayName": "Deb"}).status_code == 201
assert requests.post(f"{base}/__sim/engagements/{chat}/agent/message", json={"text": "installed from the .deb"}).status_code == 201
events = requests.get(f"{path}/sessions/{session}/events?waitSeconds=0", headers=sdk).json()
texts = [e["message"]["body"]["elementText"]["text"] for e in events if e["eventType"] == "MESSAGE"]
assert texts == ["installed from the .deb"], events
print("smoke test passed: OAuth → JWT → session → chat → agent message → event")
PY
