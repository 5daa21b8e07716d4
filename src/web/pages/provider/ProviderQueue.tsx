import { PROVIDER_STATUSES, Queue } from '../review/Queue.tsx';

export default function ProviderQueue() {
  return <Queue audience="provider" title="review.queue" defaultStatus="provider_review" statuses={PROVIDER_STATUSES} />;
}
