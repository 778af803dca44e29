/** One line of the bench table, as printed and as written to bench/results/latest.json. */
export interface Row {
  figure: string;
  metric: string;
  unit: string;
  /** The median over runs (or the one value when not repeated). */
  value: number;
  runs: number[];
  floorLabel?: string;
  floor?: number;
  floorRuns?: number[];
  /** value / floor. */
  ratio?: number;
  goal?: string;
  met?: boolean;
  note?: string;
}

export interface FigureResult {
  rows: Row[];
  details?: Record<string, unknown>;
}
