import { useEffect, useRef } from 'react';
import { IMAGE_BYTES } from './thumbnails';

/** A 28×28 grey image, drawn dark-on-light (inverted) so it reads well on a projector. */
export function Thumbnail({ pixels, size, title }: { pixels: Uint8Array | undefined; size: number; title: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx || !pixels || pixels.length < IMAGE_BYTES) return;
    const image = ctx.createImageData(28, 28);
    for (let i = 0; i < IMAGE_BYTES; i++) {
      const v = 255 - pixels[i];
      image.data[4 * i] = v;
      image.data[4 * i + 1] = v;
      image.data[4 * i + 2] = v;
      image.data[4 * i + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
  }, [pixels]);
  return <canvas ref={ref} className="thumb" width={28} height={28} style={{ width: size, height: size }} role="img" aria-label={title} title={title} />;
}
