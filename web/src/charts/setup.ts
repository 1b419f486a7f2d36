import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  RadarController,
  RadialLinearScale,
  Tooltip,
  type Plugin,
} from 'chart.js';
import type { Band } from './types.ts'; // also declares the levelBands plugin's options

// Loaded on the pages that show a chart only (a chunk of its own): registers the Chart.js parts
// the dashboard uses, nothing more, and gives them the DSFR look.


const levelBands: Plugin = {
  id: 'levelBands',
  beforeDatasetsDraw(chart, _args, options: { bands?: Band[] }) {
    const y = chart.scales['y'];
    if (!options.bands || !y) return;
    const { ctx, chartArea } = chart;
    ctx.save();
    for (const band of options.bands) {
      const top = Math.max(chartArea.top, y.getPixelForValue(band.to));
      const bottom = Math.min(chartArea.bottom, y.getPixelForValue(band.from));
      if (bottom <= top) continue;
      ctx.fillStyle = band.color;
      ctx.fillRect(chartArea.left, top, chartArea.right - chartArea.left, bottom - top);
      ctx.fillStyle = '#3a3a3a';
      ctx.font = '12px Marianne, arial, sans-serif';
      ctx.textAlign = 'right';
      ctx.textBaseline = 'top';
      if (bottom - top > 14) ctx.fillText(band.label, chartArea.right - 4, top + 2);
    }
    ctx.restore();
  },
};

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  RadarController,
  RadialLinearScale,
  Tooltip,
  levelBands,
);

Chart.defaults.font.family = 'Marianne, arial, sans-serif';
Chart.defaults.font.size = 13;
Chart.defaults.color = '#3a3a3a';
Chart.defaults.maintainAspectRatio = false;
// No entry animation: a chart is drawn once, where an animation redraws it every frame for a
// second, which keeps a phone busy while the page should respond (and nobody asked for motion).
Chart.defaults.animation = false;

export { Chart };
