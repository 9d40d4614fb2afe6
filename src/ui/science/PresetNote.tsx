import { useConfigStore } from '../../state/configStore';
import { presetNote } from '../../state/science/presetNotes';
import './science.css';

/** What to expect from the chosen preset with the shipped teachers (text in state/science/presetNotes.ts). */
export function PresetNote() {
  const method = useConfigStore((s) => s.config.method);
  const preset = useConfigStore((s) => s.config.preset);
  const note = presetNote({ method, preset });
  if (!note) return null;
  return (
    <div className={`preset-note preset-note--${note.tone}`} data-testid="preset-note" data-tone={note.tone} role="note">
      <strong>{note.title}.</strong> {note.text}
    </div>
  );
}
