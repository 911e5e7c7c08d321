/**
 * Compile-time checks (run by `npm run typecheck`, which fails on an unused @ts-expect-error): the role programs
 * return ProgramOutputs<...> object literals, so an undeclared output or a missing declared one is a type error.
 */
import type { PrimaryStackOutputs, ProgramOutputs, SecondaryStackOutputs } from "../../stacks/outputs";
import type { primaryStack } from "../../stacks/primaryStack";
import type { secondaryStack } from "../../stacks/secondaryStack";

interface Declared {
    readonly name: string;
    readonly ids: string[];
}

// @ts-expect-error an output the contract does not declare
export const undeclared: ProgramOutputs<Declared> = { name: "a", ids: [], extra: 1 };
// @ts-expect-error a declared output left out
export const missing: ProgramOutputs<Declared> = { name: "a" };
export const complete: ProgramOutputs<Declared> = { name: "a", ids: ["x"] };

// The role programs are bound to their contracts.
export type PrimaryReturns = Awaited<ReturnType<typeof primaryStack>> extends ProgramOutputs<PrimaryStackOutputs> ? true : never;
export type SecondaryReturns = Awaited<ReturnType<typeof secondaryStack>> extends ProgramOutputs<SecondaryStackOutputs> ? true : never;
export const bound: [PrimaryReturns, SecondaryReturns] = [true, true];
