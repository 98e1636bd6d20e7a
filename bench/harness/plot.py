"""Draw docs/benchmarks.png: latency distribution, CPU per frame against rate, memory."""

from bench.harness.report import LABELS
import matplotlib
matplotlib.use('Agg')  # no display; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

COLORS = {'node': 'tab:blue', 'relay': 'tab:green', 'bridge': 'tab:red', 'socket': 'tab:purple',
          'direct': 'tab:gray'}


def _latency(ax, results: dict) -> None:
    for r in results.get('main', []):
        lat = np.sort(r['latency_ms'])
        if len(lat):
            ax.plot(lat, np.arange(1, len(lat) + 1) / len(lat), color=COLORS[r['subject']],
                    label=f'{LABELS[r["subject"]]} (n={len(lat)})')
    ax.set_xscale('log')
    ax.set_xlabel('capture -> subscriber latency (ms, log)')
    ax.set_ylabel('fraction of frames')
    fps = results['main'][0]['fps'] if results.get('main') else 0
    ax.set_title(f'Latency distribution at {fps:g} fps VGA')
    ax.grid(True, which='both', alpha=0.3)
    ax.legend(fontsize=7, loc='lower right')


def _cpu_vs_rate(ax, results: dict) -> None:
    runs = results.get('main', []) + results.get('rate', []) + results.get('long', [])
    for name in COLORS:
        points = sorted((r['delivered_fps'], r['cpu_ms_per_frame'], r['lost']) for r in runs
                        if r['subject'] == name and r['delivered'])
        if not points:
            continue
        x, y, lost = zip(*points)
        ax.plot(x, y, 'o-', color=COLORS[name], label=LABELS[name])
        for xi, yi, li in zip(x, y, lost):
            if li:
                ax.annotate('loss', (xi, yi), fontsize=7, color=COLORS[name])
    ax.set_xscale('log')
    ax.set_yscale('log')
    ax.set_xlabel('delivered frames/s (log)')
    ax.set_ylabel('CPU ms per frame (log)')
    ax.set_title('CPU per frame against frame rate (VGA)')
    ax.grid(True, which='both', alpha=0.3)
    ax.legend(fontsize=7)


def _memory(ax, results: dict) -> None:
    for r in results.get('long', []):
        t, rss = zip(*r['rss_samples'])
        ax.plot(t, np.array(rss) / 2**20 - rss[0] / 2**20, color=COLORS[r['subject']],
                label=f'{LABELS[r["subject"]]} ({r["delivered"]} frames)')
    ax.set_xlabel('seconds into the long run')
    ax.set_ylabel('RSS growth (MB)')
    ax.set_title('Memory during the long run')
    ax.grid(True, alpha=0.3)
    if results.get('long'):
        ax.legend(fontsize=7)


def _raw(ax, results: dict) -> None:
    runs = sorted(results.get('raw', []), key=lambda r: r['raw_subscribers'])
    decode = results.get('decode') or {'decoders': {}}
    bars = [(f'compressed p50\n{"with" if r["raw_subscribers"] else "no"} raw sub',
             np.percentile(r['latency_ms'], 50), 'tab:blue') for r in runs]
    bars += [(f'compressed p99\n{"with" if r["raw_subscribers"] else "no"} raw sub',
              np.percentile(r['latency_ms'], 99), 'tab:cyan') for r in runs]
    bars += [('node CPU/frame\n' + ('with' if r['raw_subscribers'] else 'no') + ' raw sub',
              r['cpu_ms_per_frame'], 'tab:orange') for r in runs]
    bars += [(f'decode\n{name}', d['median_ms'], 'tab:red')
             for name, d in decode['decoders'].items() if d]
    bars += [('raw p50\n(stamp->recv)', np.percentile(r['raw_latency_ms'], 50), 'tab:purple')
             for r in runs if r['raw_subscribers']]
    if bars:
        labels, values, colors = zip(*bars)
        ax.bar(range(len(values)), values, color=colors)
        ax.set_xticks(range(len(values)))
        ax.set_xticklabels(labels, fontsize=6, rotation=60, ha='right')
        for i, v in enumerate(values):
            ax.annotate(f'{v:.2f}', (i, v), ha='center', va='bottom', fontsize=6)
    ax.set_ylabel('ms')
    fps = runs[0]['fps'] if runs else 0
    ax.set_title(f'Raw path: node at {fps:g} fps VGA (decode in-process)')
    ax.grid(True, axis='y', alpha=0.3)


def write(path: str, results: dict) -> None:
    """Write the figure."""
    fig, axes = plt.subplots(1, 4, figsize=(21, 5.2))
    _latency(axes[0], results)
    _cpu_vs_rate(axes[1], results)
    _memory(axes[2], results)
    _raw(axes[3], results)
    machine = results['machine']
    fig.suptitle(f'{machine["CPU"]}, {machine["cores"]} cores, Python {machine["Python"]}, '
                 f'{machine["ROS 2"]}', fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
