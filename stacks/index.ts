// Program entry for the Pulumi language host (Pulumi.yaml `main`). A function export is called by the
// host and its result becomes the stack outputs; the offline engine calls the same function.
import { program } from "./program";

export = program;
