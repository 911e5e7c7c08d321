"use strict";
/**
 * TypeScript loader of `npm run plan` and `npm run policy`: sucrase/register/ts (same transforms, same inline
 * source maps), with each file's output kept in node_modules/.cache by content hash. Transpiling the program,
 * the engine and the pack cold costs about as much as planning a stack; after the first run only changed files
 * are transpiled again, and sucrase itself is loaded only then. Plain CommonJS: it runs before TypeScript can.
 *
 * It also keeps V8's compiled code of every CommonJS module (the SDKs' 17 MB of JavaScript and the transpiled
 * TypeScript) between runs: Node's own compile cache where there is one (module.enableCompileCache, Node 22.1+),
 * else one file in node_modules/.cache read at start and rewritten only when a module was compiled afresh.
 * (v8-compile-cache, which this replaces, re-serialised every module's code and rewrote its 8 MB blob on every
 * run.) Not with --enable-source-maps, whose stack-trace mapping needs Node's own compile path, nor with
 * DISABLE_V8_COMPILE_CACHE set.
 */
const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const vm = require("node:vm");
const { addHook } = require("pirates");

const OPTIONS = { transforms: ["imports", "typescript"] };
const CACHE_DIR = path.join(__dirname, "..", "..", "node_modules", ".cache", "intelgraph-ts");
/** Entries not rewritten for this long are dropped (an unchanged file is then transpiled once more). */
const MAX_AGE_MS = 30 * 24 * 3600 * 1000;
let sucrase;

/** Pruning looks at every entry (hundreds, a stat each): done at most once a day, marked by this file's time. */
const PRUNED_MARKER = path.join(CACHE_DIR, ".pruned");
const PRUNE_EVERY_MS = 24 * 3600 * 1000;

function pruneOldEntries() {
    try {
        const now = Date.now();
        try {
            if (now - fs.statSync(PRUNED_MARKER).mtimeMs < PRUNE_EVERY_MS) return;
        } catch {
            // Never pruned here yet.
        }
        fs.writeFileSync(PRUNED_MARKER, "");
        for (const f of fs.readdirSync(CACHE_DIR)) {
            if (f === ".pruned") continue;
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

const CODE_CACHE_ROOT = path.join(__dirname, "..", "..", "node_modules", ".cache");
const CODE_CACHE_FILE = path.join(CODE_CACHE_ROOT, `intelgraph-v8-${process.version}-${process.arch}.bin`);

/** The file: a 4-byte length, a JSON index { filename: [sourceHash, start, end] }, then the code blobs. */
function readCodeCache() {
    try {
        const buf = fs.readFileSync(CODE_CACHE_FILE);
        const len = buf.readUInt32LE(0);
        return { index: JSON.parse(buf.subarray(4, 4 + len).toString("utf8")), blobs: buf.subarray(4 + len) };
    } catch {
        return { index: {}, blobs: Buffer.alloc(0) };
    }
}

function writeCodeCache(previous, fresh) {
    const index = {};
    const parts = [];
    let offset = 0;
    const add = (filename, hash, data) => {
        index[filename] = [hash, offset, offset + data.length];
        parts.push(data);
        offset += data.length;
    };
    for (const [filename, [hash, data]] of fresh) add(filename, hash, data);
    // Entries of files that are gone (a deleted project copy, an uninstalled package) are dropped on the way.
    for (const [filename, [hash, start, end]] of Object.entries(previous.index)) {
        if (!fresh.has(filename) && fs.existsSync(filename)) add(filename, hash, previous.blobs.subarray(start, end));
    }
    const header = Buffer.from(JSON.stringify(index), "utf8");
    const len = Buffer.alloc(4);
    len.writeUInt32LE(header.length, 0);
    // Write then rename, as for the transpile cache: a concurrent run reads the old file or the new one.
    const tmp = `${CODE_CACHE_FILE}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
    try {
        fs.mkdirSync(CODE_CACHE_ROOT, { recursive: true });
        fs.writeFileSync(tmp, Buffer.concat([len, header, ...parts]));
        fs.renameSync(tmp, CODE_CACHE_FILE);
    } catch {
        fs.rmSync(tmp, { force: true });
    }
}

/** A module's `require`, as Node builds it for the module. */
function requireFor(mod) {
    const req = (id) => mod.require(id);
    req.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
    req.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
    req.main = process.mainModule;
    req.extensions = Module._extensions;
    req.cache = Module._cache;
    return req;
}

function installCodeCache() {
    // DISABLE_V8_COMPILE_CACHE=1 turns it off, as it did for v8-compile-cache.
    if (process.env.DISABLE_V8_COMPILE_CACHE || process.sourceMapsEnabled || process.execArgv.includes("--enable-source-maps")) return;
    if (typeof Module.enableCompileCache === "function") {
        Module.enableCompileCache(path.join(CODE_CACHE_ROOT, "node-compile-cache"));
        return;
    }
    const previous = readCodeCache();
    const fresh = new Map();
    const dynamicImport = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
    Module.prototype._compile = function compileWithCodeCache(content, filename) {
        // The key is the source itself (V8 checks only its length): an edited file compiles afresh.
        const hash = crypto.createHash("sha1").update(content, "utf8").digest("base64");
        const entry = previous.index[filename];
        const cachedData = entry && entry[0] === hash ? previous.blobs.subarray(entry[1], entry[2]) : undefined;
        const source = content.startsWith("#!") ? `//${content.slice(2)}` : content;
        const script = new vm.Script(Module.wrap(source), { filename, cachedData, ...(dynamicImport ? { importModuleDynamically: dynamicImport } : {}) });
        if (!cachedData || script.cachedDataRejected) fresh.set(filename, [hash, script]);
        const wrapper = script.runInThisContext({ displayErrors: true });
        return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
    };
    // Serialised at exit rather than after compiling: the code then holds the functions the run compiled
    // lazily too, which the next run does not compile again.
    process.once("exit", () => {
        if (fresh.size) writeCodeCache(previous, new Map([...fresh].map(([filename, [hash, script]]) => [filename, [hash, script.createCachedData()]])));
    });
}

installCodeCache();
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
