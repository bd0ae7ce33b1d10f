/*
 * fuzz_csv.c: libFuzzer target for the CSV reader.
 *
 * The first byte picks the separator and whether the first record is read
 * as a header; the rest is the CSV text, in a buffer of exactly its size
 * so that any read past the end is caught by ASan.  Every record is read
 * and every field goes through each typed parser; the target checks the
 * reader's own promises (fields inside the buffer or the scratch, lengths
 * within the limit, line numbers never going back, reading stops after an
 * error).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tr_csv R;

static void check(int ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char seps[] = {',', ';', '\t', '|'};
    char sep = ',';
    bool header = false;
    if (size > 0) {
        sep = seps[data[0] & 3];
        header = data[0] & 4;
        data++;
        size--;
    }
    /* a copy of exactly size bytes: no NUL after the end to lean on */
    char *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    if (size)
        memcpy(buf, data, size);

    struct tr_error err = {0};
    check(tr_csv_init_sep(&R, "fuzz.csv", buf, size, sep) == TR_OK);
    int rc = TR_OK;
    if (header) {
        rc = tr_csv_header(&R, &err);
        if (rc == TR_OK) {
            for (size_t i = 0; i < tr_csv_header_count(&R); i++)
                check(tr_csv_column(&R, tr_csv_header_name(&R, i)) <= (int)i);
            check(tr_csv_header_name(&R, tr_csv_header_count(&R)) == NULL);
        }
    }
    size_t last_line = 0;
    while (rc == TR_OK) {
        tr_error_clear(&err);
        rc = tr_csv_next(&R, &err);
        if (rc != TR_OK) {
            check(err.code == rc && err.msg[0] != '\0');
            check(R.n_fields == 0);
            check(tr_csv_next(&R, NULL) == rc);   /* stays stopped */
            break;
        }
        if (R.n_fields == 0)
            break;
        check(R.line > last_line);
        last_line = R.line;
        check(R.n_fields <= TR_CSV_MAX_FIELDS);
        for (size_t i = 0; i <= R.n_fields; i++) {   /* one past: a missing field */
            if (i < R.n_fields) {
                const struct tr_csv_field *f = &R.fields[i];
                check(f->len <= TR_CSV_MAX_FIELD && f->len <= size);
                if (f->len > 0) {
                    /* touch both ends so ASan sees where it points */
                    volatile char a = f->s[0], b = f->s[f->len - 1];
                    (void)a;
                    (void)b;
                }
            }
            struct tr_error e = {0};
            uint64_t v;
            tr_day d;
            char *s = NULL;
            if (tr_csv_u64(&R, i, NULL, &v, &e) != TR_OK)
                check(e.code == TR_EFORMAT);
            tr_error_clear(&e);
            if (tr_csv_day(&R, i, "date", &d, &e) != TR_OK)
                check(e.code == TR_EFORMAT);
            tr_error_clear(&e);
            if (tr_csv_str(&R, i, NULL, &s, &e) == TR_OK) {
                check(s != NULL);
                check(strlen(s) == (i < R.n_fields ? R.fields[i].len : 0));
                free(s);
            } else {
                check(e.code == TR_EFORMAT || e.code == TR_ENOMEM);
            }
            (void)tr_csv_empty(&R, i);
        }
        tr_error_clear(&err);
        (void)tr_csv_expect_fields(&R, 3, &err);
    }
    tr_csv_release(&R);
    free(buf);
    return 0;
}
