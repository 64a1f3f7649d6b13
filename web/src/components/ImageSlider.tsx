import { useRef, useState, type TouchEvent } from 'react';
import type { ArticleImage } from '../api';

/** Arrows + dots, and swipe on touch screens. */
export function ImageSlider({ images, title }: { images: ArticleImage[]; title: string }) {
  const [index, setIndex] = useState(0);
  const touchX = useRef<number | null>(null);
  const count = images.length;
  if (count === 0) {
    return <div className="slider empty-slider" aria-label="사진 없음"><span aria-hidden="true">🌿</span></div>;
  }
  const go = (i: number) => setIndex((i + count) % count);
  const onTouchStart = (e: TouchEvent) => (touchX.current = e.touches[0].clientX);
  const onTouchEnd = (e: TouchEvent) => {
    if (touchX.current === null) return;
    const dx = e.changedTouches[0].clientX - touchX.current;
    if (Math.abs(dx) > 40) go(index + (dx < 0 ? 1 : -1));
    touchX.current = null;
  };
  const current = images[Math.min(index, count - 1)];
  return (
    <div className="slider" aria-roledescription="carousel" aria-label={`${title} 사진`} onTouchStart={onTouchStart} onTouchEnd={onTouchEnd}>
      <img className="slider-image" src={current.url} alt={`${title} 사진 ${index + 1}/${count}`} data-testid="slider-image" />
      {count > 1 && (
        <>
          <button type="button" className="slider-arrow left" aria-label="이전 사진" onClick={() => go(index - 1)}>‹</button>
          <button type="button" className="slider-arrow right" aria-label="다음 사진" onClick={() => go(index + 1)}>›</button>
          <div className="slider-dots">
            {images.map((img, i) => (
              <button key={img.url} type="button" className={`dot${i === index ? ' active' : ''}`} aria-label={`${i + 1}번째 사진`} aria-current={i === index} onClick={() => go(i)} />
            ))}
          </div>
        </>
      )}
    </div>
  );
}
