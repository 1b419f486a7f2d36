// Quarters as the observatory names them: "2026-T3" is July to September 2026.

export interface Quarter {
  slug: string;
  year: number;
  /** 1 to 4. */
  q: number;
  start: Date;
  /** Exclusive. */
  end: Date;
}

export function quarterOf(date: Date): Quarter {
  const year = date.getUTCFullYear();
  const q = Math.floor(date.getUTCMonth() / 3) + 1;
  return makeQuarter(year, q);
}

export function parseQuarter(slug: string): Quarter | undefined {
  const m = /^(\d{4})-T([1-4])$/.exec(slug);
  return m ? makeQuarter(Number(m[1]), Number(m[2])) : undefined;
}

export function makeQuarter(year: number, q: number): Quarter {
  return {
    slug: `${year}-T${q}`,
    year,
    q,
    start: new Date(Date.UTC(year, (q - 1) * 3, 1)),
    end: new Date(Date.UTC(year, q * 3, 1)),
  };
}

export function previousQuarter(quarter: Quarter): Quarter {
  return quarter.q === 1 ? makeQuarter(quarter.year - 1, 4) : makeQuarter(quarter.year, quarter.q - 1);
}

/** The UTC day of a date, YYYY-MM-DD: how probe roll-ups are keyed. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
