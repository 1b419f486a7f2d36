import { readFileSync } from 'node:fs';

/** The product version, recorded as the tool version in every observation's evidence. */
export const TOOL_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
