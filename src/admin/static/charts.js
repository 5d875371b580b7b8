// Small live charts: one series over the last two minutes, drawn by uPlot (a 50 KB canvas chart library, loaded
// as a classic script before this module). Without uPlot the figure still shows the latest value.
import { h, setText } from './view.js';

const POINTS = 120;

export class Sparkline {
  /**
   * @param {string} label what is drawn, e.g. "submits/s"
   * @param {string} color the line's colour
   * @param {(v: number) => string} format how the latest value reads
   */
  constructor(label, color, format) {
    this.format = format;
    this.xs = [];
    this.ys = [];
    this.value = h('span', { class: 'spark-value' }, '–');
    this.canvas = h('div', { class: 'spark-plot' });
    this.el = h('figure', { class: 'spark' }, h('figcaption', {}, label, ' ', this.value), this.canvas);
    const UPlot = /** @type {any} */ (globalThis).uPlot;
    this.plot = UPlot
      ? new UPlot(
          {
            width: 220,
            height: 64,
            legend: { show: false },
            cursor: { show: false },
            // From 0, and at least to 1: a flat or empty series still draws its frame.
            scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max ?? 1)] } },
            axes: [
              { show: false },
              { size: 36, font: '10px system-ui, sans-serif', ticks: { show: false }, grid: { stroke: '#e5e7eb', width: 1 } },
            ],
            series: [{}, { stroke: color, fill: `${color}22`, width: 1.5 }],
          },
          [[], []],
          this.canvas,
        )
      : null;
  }

  /** Adds a sample (undefined: no value then, a gap). @param {number} atMs @param {number | undefined} value */
  push(atMs, value) {
    this.xs.push(atMs / 1000);
    this.ys.push(value ?? null);
    if (this.xs.length > POINTS) {
      this.xs.shift();
      this.ys.shift();
    }
    setText(this.value, value === undefined ? '–' : this.format(value));
    this.plot?.setData([this.xs, this.ys]);
  }

  destroy() {
    this.plot?.destroy();
  }
}
