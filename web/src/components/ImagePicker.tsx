import { useEffect, useRef, useState, type ChangeEvent, type DragEvent } from 'react';

export const MAX_IMAGES = 12;
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const ACCEPT = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];

export type PickedImage =
  | { kind: 'existing'; key: string; url: string; previewUrl: string }
  | { kind: 'new'; key: string; file: File; previewUrl: string };

let seq = 0;
const nextKey = () => `img-${++seq}`;

export function existingImage(url: string, thumbUrl?: string): PickedImage {
  return { kind: 'existing', key: nextKey(), url, previewUrl: thumbUrl || url };
}

/**
 * Edit keeps `keepImages` (existing, in order) and then appends the new `files`, so a new photo
 * can never sit before a kept one. Moves that would break that are refused.
 */
export function canPlace(images: PickedImage[], from: number, to: number): boolean {
  if (to < 0 || to >= images.length || from === to) return false;
  const moved = images.slice();
  const [item] = moved.splice(from, 1);
  moved.splice(to, 0, item);
  const firstNew = moved.findIndex((i) => i.kind === 'new');
  return firstNew < 0 || moved.slice(firstNew).every((i) => i.kind === 'new');
}

export function moveImage(images: PickedImage[], from: number, to: number): PickedImage[] {
  if (!canPlace(images, from, to)) return images;
  const moved = images.slice();
  const [item] = moved.splice(from, 1);
  moved.splice(to, 0, item);
  return moved;
}

interface ImagePickerProps {
  images: PickedImage[];
  onChange: (images: PickedImage[]) => void;
  error?: string;
}

/** Photo picker: previews, remove ×, reorder (buttons and drag), up to 12. The first one is the cover. */
export function ImagePicker({ images, onChange, error }: ImagePickerProps) {
  const input = useRef<HTMLInputElement>(null);
  const [warning, setWarning] = useState('');
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const created = useRef(new Set<string>());

  useEffect(() => () => created.current.forEach((u) => URL.revokeObjectURL(u)), []);

  const onFiles = (e: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(e.target.files ?? []);
    e.target.value = '';
    const room = MAX_IMAGES - images.length;
    const notes: string[] = [];
    const accepted: PickedImage[] = [];
    for (const file of files) {
      if (!ACCEPT.includes(file.type)) notes.push(`${file.name}: JPG, PNG, WEBP, GIF 사진만 올릴 수 있습니다.`);
      else if (file.size > MAX_IMAGE_BYTES) notes.push(`${file.name}: 10MB보다 큰 사진은 올릴 수 없습니다.`);
      else if (accepted.length >= room) notes.push(`사진은 최대 ${MAX_IMAGES}장까지 올릴 수 있습니다.`);
      else {
        const previewUrl = URL.createObjectURL(file);
        created.current.add(previewUrl);
        accepted.push({ kind: 'new', key: nextKey(), file, previewUrl });
      }
    }
    setWarning(Array.from(new Set(notes)).join(' '));
    if (accepted.length) onChange([...images, ...accepted]);
  };

  const remove = (key: string) => onChange(images.filter((i) => i.key !== key));
  const move = (from: number, to: number) => onChange(moveImage(images, from, to));

  const onDrop = (e: DragEvent, to: number) => {
    e.preventDefault();
    if (dragFrom !== null) move(dragFrom, to);
    setDragFrom(null);
  };

  return (
    <div className="image-picker">
      <div className="image-picker-list">
        <button type="button" className="image-add" onClick={() => input.current?.click()} disabled={images.length >= MAX_IMAGES} aria-label="사진 추가">
          <span aria-hidden="true">📷</span>
          <span>{images.length}/{MAX_IMAGES}</span>
        </button>
        <input ref={input} type="file" accept={ACCEPT.join(',')} multiple hidden onChange={onFiles} data-testid="image-input" aria-label="사진 파일 선택" />
        {images.map((img, i) => (
          <figure
            key={img.key}
            className={`image-thumb${dragFrom === i ? ' dragging' : ''}`}
            draggable
            onDragStart={() => setDragFrom(i)}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => onDrop(e, i)}
            onDragEnd={() => setDragFrom(null)}
            data-testid="image-preview"
          >
            <img src={img.previewUrl} alt={`첨부 사진 ${i + 1}`} />
            {i === 0 && <figcaption className="cover">대표사진</figcaption>}
            <button type="button" className="image-remove" aria-label={`사진 ${i + 1} 삭제`} onClick={() => remove(img.key)}>×</button>
            <div className="image-order">
              <button type="button" aria-label={`사진 ${i + 1} 앞으로`} disabled={!canPlace(images, i, i - 1)} onClick={() => move(i, i - 1)}>‹</button>
              <button type="button" aria-label={`사진 ${i + 1} 뒤로`} disabled={!canPlace(images, i, i + 1)} onClick={() => move(i, i + 1)}>›</button>
            </div>
          </figure>
        ))}
      </div>
      {images.some((i) => i.kind === 'existing') && images.some((i) => i.kind === 'new') && (
        <p className="hint">새로 추가한 사진은 기존 사진 뒤에 놓입니다.</p>
      )}
      {warning && <p className="field-error" role="alert">{warning}</p>}
      {error && <p className="field-error" role="alert">{error}</p>}
    </div>
  );
}
