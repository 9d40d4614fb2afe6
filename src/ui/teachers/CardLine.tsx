import type { TeacherCardNumbers } from '../../protocol/teacherUpload';
import { formatPercent } from '../../state/selectors';

/** A teacher card's numbers in one line, as the shipped teachers' card says them. */
export function CardLine({ card, names }: { card: TeacherCardNumbers | Partial<TeacherCardNumbers>; names: readonly string[] }) {
  const ncmOn = card.ncmClasses?.map((c) => names[c]).join(', ');
  return (
    <>
      {card.testAccuracy === null || card.testAccuracy === undefined ? 'Its own classes are unknown: no test accuracy' : <>Test accuracy on its own classes {formatPercent(card.testAccuracy)}{card.testImages ? ` (${card.testImages.toLocaleString('en')} images)` : ''}</>}
      {card.ncmOtherClasses !== null && card.ncmOtherClasses !== undefined && <> · its NCM on {ncmOn ? `classes ${ncmOn}` : 'other classes'} {formatPercent(card.ncmOtherClasses)}</>}
      {card.parameters !== undefined && <> · {card.parameters.toLocaleString('en')} weights</>}
      {card.embeddingSize !== undefined && <> · embedding of {card.embeddingSize}</>}
    </>
  );
}
