import type { Command } from 'commander';

/** Every CLI command registers itself here: one module per command in this folder. */
export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [];
