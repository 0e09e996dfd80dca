package dev.pix2pix.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class S3UriTest {

    @Test
    void parsesBucketAndKey() {
        S3Uri u = S3Uri.parse("s3://data/facades/train/");
        assertEquals("data", u.bucket());
        assertEquals("facades/train/", u.key());
        assertTrue(u.isPrefix());
        assertEquals("s3://data/facades/train/", u.toString());
        assertEquals(new S3Uri("data", ""), S3Uri.parse("s3://data"));
        assertEquals(new S3Uri("data", ""), S3Uri.parse("s3://data/"));
        assertFalse(S3Uri.parse("s3://data/a/b.png").isPrefix());
    }

    @Test
    void childAddsOneSeparator() {
        assertEquals("s3://models/run1/latest.pth", S3Uri.parse("s3://models/run1").child("latest.pth").toString());
        assertEquals("s3://models/run1/latest.pth", S3Uri.parse("s3://models/run1/").child("latest.pth").toString());
        assertEquals("s3://models/a/b.png", S3Uri.parse("s3://models").child("a/b.png").toString());
        assertThrows(IllegalArgumentException.class, () -> S3Uri.parse("s3://models/x/").child("/abs"));
        assertThrows(IllegalArgumentException.class, () -> S3Uri.parse("s3://models/x/").child(""));
    }

    @Test
    void namesAndRelativeKeys() {
        S3Uri in = S3Uri.parse("s3://inbox/photos/");
        S3Uri file = S3Uri.parse("s3://inbox/photos/2024/a.jpg");
        assertEquals("2024/a.jpg", file.relativeTo(in));
        assertEquals("2024/a.jpg", file.relativeTo(S3Uri.parse("s3://inbox/photos")));
        assertEquals("a.jpg", file.name());
        assertEquals("photos", in.name());
        assertThrows(IllegalArgumentException.class, () -> file.relativeTo(S3Uri.parse("s3://other/photos/")));
    }

    @Test
    void rejectsWithClearMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> S3Uri.parse("/tmp/x"));
        assertTrue(e.getMessage().contains("not an s3:// URI"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> S3Uri.parse("s3://Bad_Bucket/x"));
        assertTrue(e.getMessage().contains("Bad_Bucket"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> S3Uri.parse("s3://"));
        assertThrows(IllegalArgumentException.class, () -> S3Uri.parse("s3://ab/x"));
        assertThrows(IllegalArgumentException.class, () -> S3Uri.parse("s3://bucket//x"));
        e = assertThrows(IllegalArgumentException.class, () -> S3Uri.parse("s3://bucket/a//b.png"));
        assertTrue(e.getMessage().contains("empty path segment"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> S3Uri.parse(null));
    }
}
