import { useConfigStore } from '../../state/configStore';
import { ShortcutsButton } from '../shortcuts/ShortcutsDialog';
import { ThemeSelect } from '../theme/ThemeSelect';

/** How the page is shown: the projector view (`layout=present`), the theme, the shortcuts. */
export function ViewControls() {
  const present = useConfigStore((s) => s.layout === 'present');
  const setLayout = useConfigStore((s) => s.setLayout);
  return (
    <div className="view-controls">
      <button
        type="button"
        className="button view-button"
        data-testid="present-button"
        aria-pressed={present}
        onClick={() => setLayout(present ? 'default' : 'present')}
        title={present ? 'Back to the full page with every control' : 'Projector view: large type, the test accuracy and the comparison first (layout=present in the link)'}
      >
        {present ? 'Exit present' : 'Present'}
      </button>
      <ThemeSelect />
      <ShortcutsButton />
    </div>
  );
}
