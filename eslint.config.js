import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "src/generated/", "data/", "dist/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "error",
    },
  },
  {
    // The staff desk's page runs in the browser (Telegram's web view), as plain modules.
    files: ["src/desk/public/**/*.js"],
    languageOptions: {
      sourceType: "module",
      globals: Object.fromEntries(
        ["window", "document", "location", "navigator", "sessionStorage", "fetch", "URLSearchParams", "Intl", "Node"].map((name) => [name, "readonly"]),
      ),
    },
  },
  {
    files: ["src/scripts/**", "bench/**", "test/e2e/crash-test.ts"],
    rules: { "no-console": "off" },
  },
);
