// The global styles come first so that every component's own CSS, imported
// below them, is emitted after them in the bundle.
import "./lib/bootMark";
import "./styles/tokens.css";
import "./styles/base.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import { askEarly, settleEarly } from "./lib/ipc/startup";
import { markOnce } from "./lib/marks";

/** How long the first frame waits for the first screen's data. */
const FIRST_FRAME_WAIT_MS = 250;

const root = document.getElementById("root");
if (!root) {
  throw new Error("index.html has no #root element");
}
markOnce("main evaluated");
askEarly();
// The first frame is the app with its keys when the answers come quickly
// (they take a few milliseconds), a loading screen otherwise.
void settleEarly(FIRST_FRAME_WAIT_MS).then((answers) =>
  createRoot(root).render(
    <StrictMode>
      <App early={answers} />
    </StrictMode>,
  ),
);
