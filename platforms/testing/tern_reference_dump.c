/* tern_reference_dump — the C API's answers, printed exactly, for the Java (JUnit) and Obj-C (GNUstep) binding
 * tests to compare against: every binding must return what tern.h returns for the same input.
 *   tern_reference_dump embed|classify|tokenize MODEL < texts (UTF-8, one per line)
 * One output line per text: embed / classify print the floats as C99 hex floats (%a, exact round trip; Java's
 * Float.parseFloat and strtof read them), tokenize prints the ids in decimal. Exit status 1 with a message on
 * stderr on any failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern.h"

static int fail(const char *what, const char *message) {
  fprintf(stderr, "tern_reference_dump: %s: %s\n", what, message);
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 3) return fail("usage", "tern_reference_dump embed|classify|tokenize MODEL < texts");
  const char *mode = argv[1];
  tern_model *model = NULL;
  tern_status status = tern_model_load(argv[2], NULL, &model);
  if (status != TERN_OK) return fail(argv[2], tern_last_load_error());
  tern_session *session = NULL;
  if ((status = tern_session_create(model, NULL, &session)) != TERN_OK) return fail("session", tern_status_string(status));
  static char line[1 << 16];
  static float values[1 << 14];
  static int32_t ids[1 << 12];
  int rc = 0;
  while (rc == 0 && fgets(line, sizeof line, stdin) != NULL) {
    size_t length = strcspn(line, "\n");
    line[length] = '\0';
    const char *text = line;
    size_t count = 0;
    if (strcmp(mode, "embed") == 0) {
      status = tern_embed(session, &text, &length, 1, values, sizeof values / sizeof values[0], &count);
    } else if (strcmp(mode, "classify") == 0) {
      status = tern_classify(session, text, length, values, sizeof values / sizeof values[0], &count);
    } else if (strcmp(mode, "tokenize") == 0) {
      status = tern_tokenize(session, text, length, ids, sizeof ids / sizeof ids[0], &count);
    } else {
      return fail("unknown mode", mode);
    }
    if (status != TERN_OK) {
      rc = fail(mode, tern_session_last_error(session));
      break;
    }
    for (size_t i = 0; i < count; i++) {
      if (strcmp(mode, "tokenize") == 0)
        printf(i ? " %d" : "%d", (int)ids[i]);
      else
        printf(i ? " %a" : "%a", (double)values[i]);
    }
    printf("\n");
  }
  tern_session_free(session);
  tern_model_free(model);
  return rc;
}
