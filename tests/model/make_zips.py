"""Writes zip files with Python's zipfile, an independent writer, for tests/model/zip_check_test.cpp.

usage: make_zips.py DIR            writes DIR/{plain,local64,many,deflated,bzip2,descriptor}.zip
       make_zips.py --ranges FILE  prints "name data_offset size" per entry of FILE, from zipfile
"""
import io
import sys
import zipfile


def data_ranges(path):
    with zipfile.ZipFile(path) as z:
        raw = open(path, "rb").read()
        for info in z.infolist():
            local = info.header_offset
            name_len = int.from_bytes(raw[local + 26:local + 28], "little")
            extra_len = int.from_bytes(raw[local + 28:local + 30], "little")
            print(info.filename, local + 30 + name_len + extra_len, info.compress_size)


def write_all(folder):
    # Three entries, one empty, and an archive comment holding the end record's signature: the
    # end record is the one whose comment reaches the end of the file, not the last signature.
    with zipfile.ZipFile(f"{folder}/plain.zip", "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", b"\x80\x02pickle-like bytes" * 10)
        z.writestr("archive/empty", b"")
        z.writestr("archive/data/0", bytes(range(256)) * 4)
        z.comment = b"a comment with PK\x05\x06 inside"
    # Zip64 sizes in the local header (escaped 32-bit fields plus a zip64 extra field).
    with zipfile.ZipFile(f"{folder}/local64.zip", "w", zipfile.ZIP_STORED) as z:
        with z.open("big-in-spirit", "w", force_zip64=True) as f:
            f.write(b"x" * 1000)
        z.writestr("small", b"y")
    # 65,536 entries: more than the plain end record can count, so a zip64 end record and locator.
    with zipfile.ZipFile(f"{folder}/many.zip", "w", zipfile.ZIP_STORED) as z:
        for i in range(65536):
            z.writestr(f"{i:x}", b"")
    with zipfile.ZipFile(f"{folder}/deflated.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("text", b"hello " * 100)
    with zipfile.ZipFile(f"{folder}/bzip2.zip", "w", zipfile.ZIP_BZIP2) as z:
        z.writestr("text", b"hello " * 100)
    # An unseekable stream makes zipfile write data descriptors (flag bit 3).
    class Unseekable(io.RawIOBase):
        def __init__(self, out):
            self.out = out

        def writable(self):
            return True

        def write(self, b):
            return self.out.write(b)

    with open(f"{folder}/descriptor.zip", "wb") as out:
        with zipfile.ZipFile(Unseekable(out), "w", zipfile.ZIP_STORED) as z:
            z.writestr("streamed", b"z" * 100)


if __name__ == "__main__":
    if sys.argv[1] == "--ranges":
        data_ranges(sys.argv[2])
    else:
        write_all(sys.argv[1])
