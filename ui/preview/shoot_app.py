#!/usr/bin/env python3
"""Screenshots of the real app (a debug `kyc-desk`) against a freshly seeded local hub.

Run under a display:
  xvfb-run -a -s "-screen 0 1280x800x24" python3 ui/preview/shoot_app.py APP HUB OUT_DIR
APP and HUB are the `kyc-desk` and `kyc-hub` debug binaries. Needs tauri-driver on PATH.
"""
import base64, json, os, re, shutil, socket, subprocess, sys, tempfile, time, urllib.request

app, hub, out = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)
home = tempfile.mkdtemp(prefix="kyc-ui-shots-")

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

data = os.path.join(home, "hub")
seed = subprocess.run([hub, "seed", "--cases", "12", "--data", data], capture_output=True, text=True, check=True)
password = re.search(r"reviewer1\s+reviewer\s+password:\s+(\S+)", seed.stdout + seed.stderr).group(1)
hub_port = free_port()
hub_proc = subprocess.Popen([hub, "serve", "--listen", f"127.0.0.1:{hub_port}", "--data", data],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
port, native = free_port(), free_port()
env = dict(os.environ, HOME=home, XDG_DATA_HOME=f"{home}/data", XDG_CONFIG_HOME=f"{home}/config",
           XDG_CACHE_HOME=f"{home}/cache", KYC_DESK_HUB_URL=f"http://127.0.0.1:{hub_port}")
driver = subprocess.Popen(["tauri-driver", "--port", str(port), "--native-port", str(native)], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def call(method, path, body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        return json.load(urllib.request.urlopen(req, timeout=60))["value"]
    except urllib.error.HTTPError as e:
        raise RuntimeError(e.read().decode()) from None

EL = "element-6066-11e4-a07c-4f5b4ef5d4b6"
def find(sid, css, timeout=20):
    deadline = time.time() + timeout
    while True:
        try:
            v = call("POST", f"/session/{sid}/element", {"using": "css selector", "value": css})
            if isinstance(v, dict) and "error" not in v and v:
                return v.get(EL) or next(iter(v.values()))
            raise RuntimeError(str(v))
        except RuntimeError:
            if time.time() > deadline: raise
            time.sleep(0.2)
def click(sid, css): call("POST", f"/session/{sid}/element/{find(sid, css)}/click", {})
def type_in(sid, css, text):
    el = find(sid, css)
    call("POST", f"/session/{sid}/element/{el}/clear", {})
    call("POST", f"/session/{sid}/element/{el}/value", {"text": text})
def keys(sid, text):
    # Single key presses on the page (the shortcut registry listens on window).
    call("POST", f"/session/{sid}/execute/sync", {"script":
        "for (const k of arguments[0]) document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: k, bubbles: true}));",
        "args": [list(text)]})
def shot(sid, name):
    time.sleep(0.3)
    path = os.path.join(out, f"{name}.png")
    png = base64.b64decode(call("GET", f"/session/{sid}/screenshot"))
    open(path, "wb").write(png)
    print(path, flush=True)
def js(sid, script):
    return call("POST", f"/session/{sid}/execute/sync", {"script": script, "args": []})

try:
    for _ in range(100):
        try: call("GET", "/status"); break
        except Exception: time.sleep(0.2)
    sid = call("POST", "/session", {"capabilities": {"alwaysMatch": {"browserName": "wry",
                "tauri:options": {"application": app}}}})["sessionId"]
    find(sid, "#sign-in")
    shot(sid, "app-login-en")
    print("step: fill", flush=True); type_in(sid, "#user", "reviewer1")
    type_in(sid, "#password", password)
    print("step: sign in", flush=True); click(sid, "#sign-in"); print("step: clicked", flush=True)
    find(sid, "[data-testid=pull-button]")
    type_in(sid, "[data-testid=pull-count]", "8")
    click(sid, "[data-testid=pull-button]")
    find(sid, "[data-testid=queue-item]", 120)
    time.sleep(2)
    for lang in ("en", "zh-CN"):
        click(sid, f"#lang-{lang}")
        time.sleep(0.8)
        shot(sid, f"app-queue-{lang}")
        keys(sid, "j"); find(sid, "[data-testid=case-view]"); time.sleep(1.5)
        shot(sid, f"app-case-{lang}")
        print("images:", js(sid, "return [...document.querySelectorAll('img')].map(i => i.naturalWidth)"), flush=True)
        keys(sid, "c"); time.sleep(1.5)
        shot(sid, f"app-compare-{lang}")
        print("video:", js(sid, "const v = document.querySelector('video'); return v ? [v.readyState, v.duration, v.currentSrc.slice(0, 5)] : null"), flush=True)
        keys(sid, "c"); keys(sid, "r"); time.sleep(0.5)
        shot(sid, f"app-reject-{lang}")
        keys(sid, "j"); time.sleep(1.2)
        keys(sid, "?"); time.sleep(0.4)
        shot(sid, f"app-help-{lang}")
        call("POST", f"/session/{sid}/execute/sync", {"script": "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true})); window.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'}));", "args": []})
        time.sleep(0.3)
    click(sid, "[data-testid=lock-button]")
    find(sid, "[data-testid=lock-screen]")
    shot(sid, "app-lock-zh-CN")
    type_in(sid, "[data-testid=unlock-password]", password)
    click(sid, "[data-testid=unlock-submit]")
    find(sid, "[data-testid=signout-button]")
    click(sid, "[data-testid=signout-button]")
    time.sleep(0.3)
    shot(sid, "app-signout-zh-CN")
    click(sid, "[data-testid=signout-confirm]")
    find(sid, "#login-notice", 60)
    shot(sid, "app-wiped-zh-CN")
    call("DELETE", f"/session/{sid}")
finally:
    driver.terminate(); hub_proc.terminate()
    try: driver.wait(10); hub_proc.wait(10)
    except Exception: pass
    shutil.rmtree(home, ignore_errors=True)
