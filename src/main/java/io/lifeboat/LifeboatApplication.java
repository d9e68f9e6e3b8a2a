package io.lifeboat;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class LifeboatApplication {
  public static void main(String[] args) {
    SpringApplication.run(LifeboatApplication.class, args);
  }
}
