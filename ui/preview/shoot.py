#!/usr/bin/env python3
"""Screenshots of the preview build (fake core) in MiniBrowser over WebKitWebDriver.

Run under a display: `xvfb-run -s "-screen 0 1280x800x24" python3 preview/shoot.py OUT_DIR`.
"""
import base64, json, os, subprocess, sys, time, urllib.request, functools, http.server, threading

root = os.path.join(os.path.dirname(__file__), "..", "..", "target", "ui-preview")
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "ui-screens")
os.makedirs(out, exist_ok=True)
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_address[1]}/index.html"

driver = subprocess.Popen(["WebKitWebDriver", "--port=4545"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def call(method, path, body=None):
    req = urllib.request.Request(f"http://127.0.0.1:4545{path}", method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))["value"]
try:
    for _ in range(50):
        try:
            call("GET", "/status"); break
        except Exception:
            time.sleep(0.1)
    mini = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
    caps = {"capabilities": {"alwaysMatch": {"webkitgtk:browserOptions": {"binary": mini, "args": ["--automation", "--geometry=1280x800"]}}}}
    sid = call("POST", "/session", caps)["sessionId"]
    call("POST", f"/session/{sid}/window/rect", {"width": 1280, "height": 800})
    scenes = sys.argv[2].split(",") if len(sys.argv) > 2 else ["login", "queue", "case", "compare", "reject", "reveal", "help", "lock", "signout"]
    for lang in ("en", "zh-CN"):
        for scene in scenes:
            call("POST", f"/session/{sid}/url", {"url": f"{base}?scene={scene}&lang={lang}"})
            time.sleep(1.6)
            png = base64.b64decode(call("GET", f"/session/{sid}/screenshot"))
            path = os.path.join(out, f"{scene}-{lang}.png")
            open(path, "wb").write(png)
            print(path)
    call("DELETE", f"/session/{sid}")
finally:
    driver.terminate()
    server.shutdown()
