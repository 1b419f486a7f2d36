import { formatDateTime } from './format.ts';
import { askRecheck, getRecheck, type Recheck } from './space.svelte.ts';

// "Measure it again now" for one procedure: asks, then follows the re-check until it is done,
// says each step in words, and knows until when the next one must wait (one per 10 minutes).

export const RECHECK_STATUS_WORDS: Record<Recheck['status'], string> = {
  queued: "Vérification en file d'attente…",
  running: 'Vérification en cours : les robots visitent la démarche…',
  done: 'Vérification terminée.',
  failed: 'La vérification a échoué.',
};

export class RecheckTracker {
  recheck = $state<Recheck | null>(null);
  /** Before this moment, a new request would be refused: the button waits instead. */
  nextRecheckAt = $state<string | null>(null);
  message = $state('');
  error = $state<string | null>(null);
  /** The clock the wait is read against, ticking every 15 s. */
  now = $state(Date.now());
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #clock: ReturnType<typeof setInterval>;

  constructor(
    /** The procedure, read when asked (the page's id may change). */
    private readonly procedureId: () => number,
    /** Called when a re-check is done: its new measurements are to be read again. */
    private readonly onDone: () => Promise<void>,
    private readonly pollMs = 1000,
  ) {
    this.#clock = setInterval(() => (this.now = Date.now()), 15_000);
  }

  get busy(): boolean {
    return this.recheck?.status === 'queued' || this.recheck?.status === 'running';
  }

  get coolingDown(): boolean {
    return this.nextRecheckAt !== null && Date.parse(this.nextRecheckAt) > this.now;
  }

  /** Takes the procedure's latest re-check as loaded with it, and follows it if it is still going. */
  resume(latest: Recheck | null, nextRecheckAt: string | null): void {
    this.nextRecheckAt = nextRecheckAt;
    this.recheck ??= latest;
    if (this.recheck && this.busy) this.#follow(this.recheck.id);
  }

  async ask(): Promise<void> {
    this.error = null;
    try {
      const answer = await askRecheck(this.procedureId());
      this.recheck = answer.recheck;
      this.nextRecheckAt = answer.nextRecheckAt;
      const words = RECHECK_STATUS_WORDS[answer.recheck.status];
      this.message = answer.created ? words : `Une vérification est déjà en cours. ${words}`;
      this.#follow(answer.recheck.id);
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
  }

  #follow(recheckId: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(async () => {
      try {
        const next = await getRecheck(recheckId);
        this.recheck = next;
        this.message = RECHECK_STATUS_WORDS[next.status];
        if (next.status === 'queued' || next.status === 'running') this.#follow(recheckId);
        else if (next.status === 'done') {
          this.message = `Vérification terminée le ${formatDateTime(next.finishedAt!)} : ${next.results?.length ?? 0} critères mesurés à nouveau.`;
          await this.onDone();
        }
      } catch (err) {
        this.error = err instanceof Error ? err.message : String(err);
      }
    }, this.pollMs);
  }

  /** Stops following and the clock (the page is left). */
  destroy(): void {
    clearTimeout(this.#timer);
    clearInterval(this.#clock);
  }
}
