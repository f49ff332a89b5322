package com.drresponder.credentials;

/** The four steps Secrets Manager asks a rotation function to run, in this order, with one ClientRequestToken. */
public enum RotationStep {
    CREATE_SECRET("createSecret"), SET_SECRET("setSecret"), TEST_SECRET("testSecret"), FINISH_SECRET("finishSecret");

    private final String wireName;

    RotationStep(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static RotationStep fromWire(String value) {
        for (RotationStep step : values()) {
            if (step.wireName.equals(value)) {
                return step;
            }
        }
        throw new RotationRefusedException("Step must be one of createSecret, setSecret, testSecret, finishSecret, got \"" + value + "\"");
    }
}
