"use strict";
/**
 * Loads an installed copy of the policy pack (argv[2]) in a process of its own, as Pulumi's launcher would:
 * compiled with the pack's own TypeScript and tsconfig.json (no ts-node needed to read them), type-checked,
 * then `require`d with a .ts hook. Prints JSON: the TypeScript version, the rules it exports, every module a
 * pack file resolved (request -> file), the type checker's errors and the files it read.
 */
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");

const packDir = fs.realpathSync(process.argv[2]);
const ownModules = path.join(packDir, "node_modules") + path.sep;
const isPackFile = (f) => f.startsWith(packDir + path.sep) && !f.startsWith(ownModules);

const ts = require(require.resolve("typescript", { paths: [packDir] }));
const read = ts.readConfigFile(path.join(packDir, "tsconfig.json"), ts.sys.readFile);
const parsed = read.error ? undefined : ts.parseJsonConfigFileContent(read.config, ts.sys, packDir);
const configErrors = [read.error, ...(parsed ? parsed.errors : [])].filter(Boolean).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
if (!parsed || configErrors.length) {
    process.stdout.write(JSON.stringify({ configErrors }));
    process.exit(0);
}

// What ts-node's typeCheck does under the launcher: the pack's files with its compiler options, nothing else.
const program = ts.createProgram(parsed.fileNames, parsed.options);
const typeErrors = ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? path.relative(packDir, d.file.fileName) : "(global)"}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
const typeFiles = program.getSourceFiles().map((f) => f.fileName);

const resolutions = [];
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
    const resolved = resolve.call(this, request, parent, ...rest);
    if (parent && parent.filename && isPackFile(parent.filename)) resolutions.push({ from: path.relative(packDir, parent.filename), request, resolved });
    return resolved;
};
require.extensions[".ts"] = (module, filename) => {
    const { outputText } = ts.transpileModule(fs.readFileSync(filename, "utf8"), { compilerOptions: parsed.options, fileName: filename });
    module._compile(outputText, filename);
};

const { policies } = require(path.join(packDir, "policies"));
const kind = (p) => (typeof p.validateStack === "function" ? "stack" : typeof p.validateResource === "function" ? "resource" : "none");
process.stdout.write(
    JSON.stringify({
        configErrors,
        typescript: ts.version,
        policies: policies.map((p) => ({ name: p.name, enforcementLevel: p.enforcementLevel, kind: kind(p) })),
        resolutions,
        typeErrors,
        typeFiles,
    }),
);
