/** What became of an operator's action, said in the page's one message box (focused). */
export interface Notice {
  ok: boolean;
  text: string;
  /** A generated password, shown this once. */
  password?: string;
}

/** Runs an action and says how it went. */
export type Say = (run: () => Promise<Notice>) => Promise<void>;
