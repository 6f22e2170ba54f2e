import { useId, useState, type FormEvent } from "react";
import { Button } from "../components/Button";
import { Icon } from "../components/Icon";
import { folderProblem } from "./projectFolders";
import "../components/Field.css";

type ProjectFoldersProps = {
  folders: readonly string[];
  onChange: (folders: readonly string[]) => void;
};

/** The project folders scanned besides the global configs: add by path, remove by button. */
export function ProjectFolders({ folders, onChange }: ProjectFoldersProps) {
  const titleId = useId();
  const inputId = useId();
  const problemId = useId();
  const [typed, setTyped] = useState("");
  const [problem, setProblem] = useState<string | null>(null);

  const add = (event: FormEvent) => {
    event.preventDefault();
    const path = typed.trim();
    const why = folderProblem(path, folders);
    setProblem(why);
    if (why === null) {
      onChange([...folders, path]);
      setTyped("");
    }
  };

  return (
    <section className="ide-projects" aria-labelledby={titleId}>
      <h2 id={titleId} className="ides-page__section-title">
        Project folders
      </h2>
      <p className="ide-projects__hint">
        Besides your global configs and the projects the clients remember, MCP Keys reads the
        configs inside these folders (<code>.cursor/mcp.json</code>, <code>.vscode/mcp.json</code>,{" "}
        <code>.mcp.json</code>…).
      </p>
      {folders.length > 0 && (
        <ul className="ide-projects__list">
          {folders.map((folder, i) => (
            <li key={folder} className="ide-projects__item" data-testid={`ides-project-${i}`}>
              <Icon name="layers" size="sm" />
              <code className="ide-projects__path" title={folder}>
                {folder}
              </code>
              <button
                type="button"
                className="ide-projects__remove"
                aria-label={`Stop scanning ${folder}`}
                data-testid={`ides-project-remove-${i}`}
                onClick={() => onChange(folders.filter((f) => f !== folder))}
              >
                <Icon name="close" size="sm" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="ide-projects__form" onSubmit={add}>
        <label htmlFor={inputId} className="visually-hidden">
          Project folder
        </label>
        <input
          id={inputId}
          className="input ide-projects__input"
          placeholder="/home/you/code/webapp"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={problem !== null}
          aria-describedby={problem ? problemId : undefined}
          data-testid="ides-project-input"
          value={typed}
          onChange={(e) => {
            setTyped(e.target.value);
            setProblem(null);
          }}
        />
        <Button type="submit" icon="plus" data-testid="ides-project-add">
          Add folder
        </Button>
      </form>
      {problem && (
        <p id={problemId} className="ide-projects__problem" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
