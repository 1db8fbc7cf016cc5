// Judges a whole vector document (format: offline_rules/vectors.py) with offline_rules.js in
// one page load, and writes the verdicts as JSON into #verdicts:
// {"backends": ["webcrypto"], "verdicts": [{"name": …, "verdict": "accept" | code}, …]},
// then sets <body data-state="done"> ("failed" if the document could not be judged at all).
//
// Query: `vectors` — the document's URL, on this origin (default vectors.json);
// `webcrypto=0` — hide WebCrypto's Ed25519, as a browser without it would, so that the
// vendored @noble/ed25519 fallback does the checking.

import { judgeOffline, loadKeyset } from "./offline_rules.js";

const query = new URLSearchParams(location.search);
const status = document.getElementById("status");

function hideWebCryptoEd25519() {
  const subtle = crypto.subtle;
  const importKey = subtle.importKey.bind(subtle);
  subtle.importKey = (format, keyData, algorithm, ...rest) => {
    const name = typeof algorithm === "string" ? algorithm : algorithm?.name;
    if (String(name).toLowerCase() === "ed25519") {
      return Promise.reject(new DOMException("Ed25519 hidden by the runner", "NotSupportedError"));
    }
    return importKey(format, keyData, algorithm, ...rest);
  };
}

async function judge(vector, keyset) {
  try {
    const { verdict } = await judgeOffline(
      {
        token: vector.token,
        amountCents: vector.amount_cents,
        capturedAt: vector.captured_at,
      },
      {
        receivedAt: vector.received_at,
        keyset,
        blocklist: vector.blocklist,
        limits: vector.limits,
        window: vector.window,
        takenHere: vector.taken_here,
      },
    );
    return verdict;
  } catch (error) {
    // not a verdict: shown as one, so that it differs from every expected one
    return `error: ${error}`;
  }
}

async function run() {
  if (query.get("webcrypto") === "0") hideWebCryptoEd25519();
  const response = await fetch(query.get("vectors") ?? "vectors.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`vectors: HTTP ${response.status}`);
  const vectorFile = await response.json();
  const keyset = await loadKeyset(vectorFile.keyset);
  const verdicts = [];
  for (const vector of vectorFile.vectors) {
    verdicts.push({ name: vector.name, verdict: await judge(vector, keyset) });
  }
  return { backends: keyset.backends, verdicts };
}

run().then(
  (result) => {
    document.getElementById("verdicts").textContent = JSON.stringify(result);
    status.textContent = `${result.verdicts.length} vectors judged`;
    document.body.dataset.state = "done";
  },
  (error) => {
    status.textContent = `failed: ${error}`;
    document.body.dataset.state = "failed";
  },
);
