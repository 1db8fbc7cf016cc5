"""What the browser benchmarks share: which Chromium they drive, and how they weigh a first
load (every body the page fetched or its service worker cached, gzipped as nginx serves it).
"""

import gzip
import os

#: Debian's Chromium, or the one CAISSE_CHROMIUM names (as for the tests: tests/system_programs.py)
CHROMIUM = os.environ.get("CAISSE_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking"]

#: every body in the service worker's caches, base64, by URL
CACHED_BODIES = """async () => {
    const bodies = {};
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
            const bytes = new Uint8Array(await (await cache.match(request)).arrayBuffer());
            let text = "";
            for (const byte of bytes) text += String.fromCharCode(byte);
            bodies[request.url] = btoa(text);
        }
    }
    return bodies;
}"""


def gzip_size(body: bytes) -> int:
    """Bytes on the wire: gzip level 6, as nginx compresses the app in production."""
    return len(gzip.compress(body, compresslevel=6))
