import { startReactDsfr } from "@codegouvfr/react-dsfr/spa";
import { StrictMode } from "react";
import "./styles.css";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { LangProvider, initialLang } from "./i18n";
import { IdentityProvider } from "./identity";

startReactDsfr({ defaultColorScheme: "system", useLang: initialLang });

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <LangProvider>
      <IdentityProvider>
        <App />
      </IdentityProvider>
    </LangProvider>
  </StrictMode>,
);
