import type { ChartConfiguration, ChartType } from 'chart.js';

// What a chart is made of, apart from Chart.js itself: the domain builders (lib/chart-data.ts)
// produce these; the wrapper turns them into a Chart.

/** A level's range on the y axis, painted behind the line. */
export interface Band {
  from: number;
  to: number;
  color: string;
  label: string;
}

/** The same data as the chart, as a table: its accessible alternative and its CSV export. */
export interface DataTableModel {
  caption: string;
  /** Header of each column; the first column holds the row headers. */
  columns: string[];
  /** Raw values: the CSV gets them as they are, the table through `format`. */
  rows: (string | number | null)[][];
  /** How a number reads in the table (French decimals, unit). */
  format?: (value: number, column: number) => string;
}

export interface ChartModel {
  config: ChartConfiguration;
  table: DataTableModel;
  /** One or two sentences for screen readers: what the chart shows and what stands out. */
  summary: string;
}

declare module 'chart.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the declaration merges with Chart.js's own, which has this parameter
  interface PluginOptionsByType<TType extends ChartType> {
    /** Horizontal bands behind a line chart, one per level of the criterion's table (charts/setup.ts). */
    levelBands?: { bands: Band[] } | false;
  }
}
