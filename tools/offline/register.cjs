"use strict";
/**
 * TypeScript loader of `npm run plan` and `npm run policy`: sucrase/register/ts (same transforms, same inline
 * source maps), with each file's output kept in node_modules/.cache by content hash. Transpiling the program,
 * the engine and the pack cold costs about as much as planning a stack; after the first run only changed files
 * are transpiled again, and sucrase itself is loaded only then. Plain CommonJS: it runs before TypeScript can.
 */
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { addHook } = require("pirates");

const OPTIONS = { transforms: ["imports", "typescript"] };
const CACHE_DIR = path.join(__dirname, "..", "..", "node_modules", ".cache", "intelgraph-ts");
/** Entries not rewritten for this long are dropped (an unchanged file is then transpiled once more). */
const MAX_AGE_MS = 30 * 24 * 3600 * 1000;
let sucrase;

function pruneOldEntries() {
    try {
        const now = Date.now();
        for (const f of fs.readdirSync(CACHE_DIR)) {
            const file = path.join(CACHE_DIR, f);
            if (now - fs.statSync(file).mtimeMs > MAX_AGE_MS) fs.rmSync(file, { force: true });
        }
    } catch {
        // No cache yet, or not ours to clean.
    }
}

/** The key covers what decides the output: the source, its path (source map), sucrase's version and options. */
function cacheKey(code, filePath) {
    const version = require("sucrase/package.json").version;
    return crypto.createHash("sha256").update(`${version}\0${JSON.stringify(OPTIONS)}\0${filePath}\0${code}`).digest("hex");
}

function transpile(code, filePath) {
    sucrase ??= require("sucrase");
    const { code: js, sourceMap } = sucrase.transform(code, { ...OPTIONS, sourceMapOptions: { compiledFilename: filePath }, filePath });
    return `${js}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(sourceMap)).toString("base64")}`;
}

pruneOldEntries();
addHook(
    (code, filePath) => {
        const file = path.join(CACHE_DIR, `${cacheKey(code, filePath)}.js`);
        try {
            return fs.readFileSync(file, "utf8");
        } catch {
            const js = transpile(code, filePath);
            // Write then rename: a concurrent run (another process, container or CI job) never reads a half-written file.
            const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
            try {
                fs.mkdirSync(CACHE_DIR, { recursive: true });
                fs.writeFileSync(tmp, js);
                fs.renameSync(tmp, file);
            } catch {
                // A read-only or full disk still runs, uncached.
                fs.rmSync(tmp, { force: true });
            }
            return js;
        }
    },
    { exts: [".ts"] },
);
