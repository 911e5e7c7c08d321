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
let sucrase;

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

addHook(
    (code, filePath) => {
        const file = path.join(CACHE_DIR, `${cacheKey(code, filePath)}.js`);
        try {
            return fs.readFileSync(file, "utf8");
        } catch {
            const js = transpile(code, filePath);
            try {
                // Write then rename: a concurrent run never reads a half-written file.
                fs.mkdirSync(CACHE_DIR, { recursive: true });
                const tmp = `${file}.${process.pid}.tmp`;
                fs.writeFileSync(tmp, js);
                fs.renameSync(tmp, file);
            } catch {
                // A read-only checkout still runs, uncached.
            }
            return js;
        }
    },
    { exts: [".ts"] },
);
