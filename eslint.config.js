import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["node_modules/", "generated/", "data/", "dist/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "error",
    },
  },
  {
    // The sandbox's chat page runs in the browser, as plain JavaScript.
    files: ["src/sandbox/page/**/*.js"],
    languageOptions: { globals: globals.browser, sourceType: "script" },
  },
  {
    // The few plain-JavaScript scripts run with node before anything is compiled.
    files: ["**/*.mjs"],
    languageOptions: { globals: globals.node },
  },
  {
    // The staff desk's page runs in the browser (Telegram's web view), as plain modules.
    files: ["src/desk/public/**/*.js"],
    languageOptions: { globals: globals.browser, sourceType: "module" },
  },
  {
    files: ["src/scripts/**", "bench/**", "test/e2e/crash-test.ts"],
    rules: { "no-console": "off" },
  },
);
