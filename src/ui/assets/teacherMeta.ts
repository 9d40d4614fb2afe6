/** The shipped teacher's metadata (`public/teachers/<id>/teacher.json`), when it exists. */
import { createAssetCache } from './assetCache';

export interface TeacherMeta {
  testAccuracy?: number;
  ncmAccuracyOnStudentClasses?: number;
  trainingImages?: number;
  architecture?: string;
  classNames?: string[];
}

async function loadTeacherMeta(id: string): Promise<TeacherMeta> {
  const response = await fetch(`${import.meta.env.BASE_URL}teachers/${id}/teacher.json`);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const text = await response.text();
  // A dev server answers a missing file with index.html.
  if (text.trimStart().startsWith('<')) throw new Error('not found');
  return JSON.parse(text) as TeacherMeta;
}

export const useTeacherMeta = createAssetCache(loadTeacherMeta).useAsset;
