interface AvatarProps {
  url?: string | null;
  name?: string | null;
  size?: number;
}

/** Profile picture, or the first letter of the nickname on a green disc. */
export function Avatar({ url, name, size = 40 }: AvatarProps) {
  const style = { width: size, height: size, fontSize: Math.round(size * 0.45) };
  if (url) return <img className="avatar" src={url} alt={name ? `${name} 프로필 사진` : '프로필 사진'} style={style} />;
  return (
    <span className="avatar placeholder" style={style} aria-hidden="true">
      {(name ?? '?').trim().charAt(0) || '?'}
    </span>
  );
}
