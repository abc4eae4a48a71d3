/** Downloads for the toolbar: JSON, SVG and PNG (an SVG is rasterized on a canvas first). */

/** Saves text as a file through a temporary link. */
export function downloadText(name: string, text: string, type: string): void {
  downloadBlob(name, new Blob([text], { type }));
}

/** Saves a blob as a file. */
export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The SVG's markup, standalone. */
export function svgText(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return new XMLSerializer().serializeToString(copy);
}

/** A canvas with the plot drawn on it (the canvas itself, or the SVG rasterized at 2x). */
export async function toCanvas(plot: SVGSVGElement | HTMLCanvasElement): Promise<HTMLCanvasElement> {
  if (plot instanceof HTMLCanvasElement) return plot;
  const vb = plot.viewBox.baseVal;
  const w = vb && vb.width ? vb.width : plot.clientWidth || 480;
  const hgt = vb && vb.height ? vb.height : plot.clientHeight || 260;
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText(plot))}`;
  await img.decode();
  const c = document.createElement('canvas');
  c.width = w * 2;
  c.height = hgt * 2;
  const ctx = c.getContext('2d')!;
  ctx.scale(2, 2);
  ctx.drawImage(img, 0, 0, w, hgt);
  return c;
}

/** Saves the plot as PNG. */
export async function downloadPng(name: string, plot: SVGSVGElement | HTMLCanvasElement): Promise<void> {
  const c = await toCanvas(plot);
  const blob = await new Promise<Blob>((ok, fail) => c.toBlob((b) => (b ? ok(b) : fail(new Error('PNG encoding failed'))), 'image/png'));
  downloadBlob(name, blob);
}
