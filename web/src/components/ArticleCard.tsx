import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { Article } from '../api';
import { priceLabel, regionLabel, timeAgo } from '../lib/format';
import { StatusTag } from './StatusTag';

/** A listing card. The region is the article's own address (the prototype read the seller's, which was blank). */
export function ArticleCard({ article, extra }: { article: Article; extra?: ReactNode }) {
  const image = article.images?.[0];
  return (
    <li className="card" data-testid="article-card">
      <Link to={`/products/${article.id}`} className="card-link">
        <div className="card-thumb">
          {image ? (
            <img src={image.thumbUrl || image.url} alt="" loading="lazy" />
          ) : (
            <span className="card-noimage" aria-hidden="true">🌿</span>
          )}
        </div>
        <div className="card-body">
          <h3 className="card-title">
            <StatusTag status={article.status} />
            {article.title}
          </h3>
          <p className="card-price">{priceLabel(article.price)}</p>
          <p className="card-meta">
            {regionLabel(article.address1, article.address2)}
            {article.createdAt && <span> · {timeAgo(article.createdAt)}</span>}
          </p>
          <p className="card-meta">관심 {article.interestCount ?? 0}</p>
        </div>
      </Link>
      {extra && <div className="card-extra">{extra}</div>}
    </li>
  );
}
